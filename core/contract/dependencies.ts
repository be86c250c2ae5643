/**
 * The dependency report as it is written and served: `retrace deps --json`, `deps.json`
 * in a container, `GET /api/sessions/<id>/deps` for the frontend panel. What software
 * and data an audited run used, per cell and in total (built by core/deps/report.ts).
 *
 * JSON shape. Fields are always present; `null` means unknown:
 *
 *   {
 *     "notebook": string,              the notebook's path
 *     "session": string,               the audit session
 *     "package_database": "dpkg" | null,   null: no package database on this machine,
 *                                      so no file could be attributed to a system package
 *     "total": Section,                start-up and every cell together
 *     "cells": [ { "seq": number, "cell_id": string | null, "execution_count": number, ...Section } ]
 *   }
 *   Section = {
 *     "python":   [ { "name", "version", "location", "files", "use": "imported" | "present",
 *                     "first_cell": {"seq", "cell_id"} | null } ],
 *                 name as in METADATA (`scikit-image`, not `skimage`); location: the site-packages
 *                 folder (the interpreter's prefix for "python (standard library)"); files: how many
 *                 of its files were read (metadata included; 0 when it was only in a listed folder);
 *                 use: "imported" when a module, extension, data file or script of it was read or
 *                 run, "present" when only its metadata was read (an entry-point scan, a version
 *                 lookup, a .pth at start-up) or it was in a site-packages folder the run listed;
 *                 imported ones first, each group by name; first_cell: the first cell that used it
 *                 that way (null: kernel start-up)
 *     "system":   [ { "name", "version": string | null, "files" } ]      Debian packages
 *     "unowned":  { "count": number, "examples": string[] }             files no package owns (sorted, capped)
 *     "programs": [ { "path", "package"?: string } ]                    executed, first-run order;
 *                                                                       package: its Debian package when known
 *     "data": { "read":    [ { "path", "size": number | null, "sha256": string | null } ],
 *               "written": [ { "path", "size": number | null, "sha256": string | null } ] }
 *                 path as in the cell metadata: relative to the notebook's folder when under it;
 *                 in the total, a file read twice is listed once (as first read), a file written
 *                 twice once (as last written)
 *   }
 */

/** Who owns a file, as the report shows it. */
export interface PythonOwner {
  name: string;
  version: string;
  location: string;
}

/** imported: code (or data) it installed was read or run; present: only its metadata was read, or it was in a folder the run listed. */
export type PythonUse = 'imported' | 'present';

export interface CellRef {
  seq: number;
  cell_id: string | null;
}

export interface PythonEntry extends PythonOwner {
  files: number;
  /** Absent from the deps.json of containers packed by earlier versions: read that as "imported". */
  use: PythonUse;
  first_cell: CellRef | null;
}

export interface SystemEntry {
  name: string;
  version: string | null;
  files: number;
}

export interface ProgramEntry {
  path: string;
  package?: string;
}

export interface DataEntry {
  path: string;
  size: number | null;
  sha256: string | null;
}

export interface Section {
  python: PythonEntry[];
  system: SystemEntry[];
  unowned: { count: number; examples: string[] };
  programs: ProgramEntry[];
  data: { read: DataEntry[]; written: DataEntry[] };
}

export interface CellSection extends Section {
  seq: number;
  cell_id: string | null;
  execution_count: number;
}

export interface DependencyReport {
  notebook: string;
  session: string;
  package_database: string | null;
  total: Section;
  cells: CellSection[];
}
