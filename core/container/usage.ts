/**
 * What an audited run used, per cell and outside cells (kernel start-up, workers
 * importing between cells): the input of packaging and of dependency reports.
 * Read from a session's records by server/store/usage.ts, or from a container's
 * provenance/ folder.
 */
import type { FileRecord } from '../contract/metadata';

/** Software touched by one cell (or outside cells). */
export interface SoftwareUse {
  /**
   * System files the run read or executed successfully: interpreters, shared
   * libraries, installed packages, /etc. Absolute paths as the program named them
   * (symlinks not resolved), sorted. A `.pyc` from `__pycache__` stands for its source.
   */
  software: string[];
  /** Programs executed (absolute paths, first-run order). */
  programs: string[];
  /** System folders listed (absolute, sorted): the packer adds the distribution metadata they hold. Absent in older records. */
  listed?: string[];
  /**
   * System paths found to exist by a stat or access, never opened (absolute, sorted):
   * the packer adds the small regular files and the folders among them. Absent in older records.
   */
  probed?: string[];
}

export interface CellUsage extends SoftwareUse {
  seq: number;
  cellId: string | null;
  executionCount: number;
  /** User files read: `path` relative to the notebook's folder when under it, else absolute; hash as first read. */
  reads: FileRecord[];
  /** User files written, hashed as the cell left them. */
  writes: FileRecord[];
  /** Absolute paths of `reads`, same order (FileRecord paths are for display). */
  readPaths: string[];
  writePaths: string[];
}

export interface SessionUsage {
  session: string;
  /** The kernel's working directory: the notebook's folder. */
  notebookDir: string;
  /** The interpreter the kernel ran. */
  python: string;
  /** Outside any cell. */
  startup: SoftwareUse;
  /** In execution order. */
  cells: CellUsage[];
}

/** Every software path of a session, once, sorted. */
export function allSoftware(usage: SessionUsage): string[] {
  const all = new Set(usage.startup.software);
  for (const cell of usage.cells) for (const p of cell.software) all.add(p);
  return [...all].sort();
}

/** Every program of a session, once, in first-run order (start-up first). */
export function allPrograms(usage: SessionUsage): string[] {
  const all = new Set(usage.startup.programs);
  for (const cell of usage.cells) for (const p of cell.programs) all.add(p);
  return [...all];
}
