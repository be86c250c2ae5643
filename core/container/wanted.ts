/**
 * Which paths a container must hold, from what the audited run used: the software
 * of start-up and of every cell, the programs run, the data files read (with the
 * hash each had when first read). Each path comes once, with the first cell that
 * used it and its strongest role.
 */
import type { FileRecord } from '../contract/metadata';
import type { CellRef, EntryRole } from '../contract/manifest';
import type { SessionUsage } from './usage';

export interface WantedPath {
  path: string;
  role: EntryRole;
  /** Absent: used at kernel start-up, before any cell. */
  firstCell?: CellRef;
  /** For data files: what the audit recorded when the cell first read it. */
  asRead?: FileRecord;
  /**
   * Only found to exist (a stat or access, or a folder listed), never opened: packed
   * when it is a folder or a regular file of at most {@link PROBE_MAX_BYTES}, quietly
   * skipped otherwise (docs/container.md, "Files found to exist").
   */
  probe?: boolean;
}

/** The largest file packed because the run tested that it exists: landmarks and markers are small. */
export const PROBE_MAX_BYTES = 1 << 20;

/** A system folder the run listed: the packer adds the distribution metadata in it. */
export interface ListedFolder {
  path: string;
  firstCell?: CellRef;
}

/** `numpy-2.4.6.dist-info`, `six-1.16.0.egg-info`: what importlib.metadata finds a distribution by. */
export function isDistributionMetadata(name: string): boolean {
  return /^[^/]+\.(dist-info|egg-info)$/.test(name);
}

/** A program outranks a library, which outranks a data file: the role says why a path is there. */
const RANK: Record<EntryRole, number> = { executable: 3, system: 2, user: 1, notebook: 0 };

export function wantedPaths(usage: SessionUsage): WantedPath[] {
  const wanted = new Map<string, WantedPath>();
  const want = (path: string, role: EntryRole, firstCell?: CellRef, asRead?: FileRecord) => {
    const known = wanted.get(path);
    if (!known) wanted.set(path, { path, role, firstCell, asRead });
    else {
      if (RANK[role] > RANK[known.role]) known.role = role;
      delete known.probe; // opened after all (a later cell), so packed whatever its size
    }
  };
  const probe = (path: string, firstCell?: CellRef) => {
    if (!wanted.has(path)) wanted.set(path, { path, role: 'system', firstCell, probe: true });
  };
  for (const p of usage.startup.programs) want(p, 'executable');
  for (const p of usage.startup.software) want(p, 'system');
  for (const p of [...(usage.startup.probed ?? []), ...(usage.startup.listed ?? [])]) probe(p);
  for (const cell of usage.cells) {
    const ref: CellRef = { seq: cell.seq, cell_id: cell.cellId };
    for (const p of cell.programs) want(p, 'executable', ref);
    for (const p of cell.software) want(p, 'system', ref);
    cell.readPaths.forEach((p, i) => want(p, 'user', ref, cell.reads[i]));
    for (const p of [...(cell.probed ?? []), ...(cell.listed ?? [])]) probe(p, ref);
  }
  return [...wanted.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every system folder the run listed, once, with the first cell that listed it. */
export function listedFolders(usage: SessionUsage): ListedFolder[] {
  const listed = new Map<string, ListedFolder>();
  for (const p of usage.startup.listed ?? []) if (!listed.has(p)) listed.set(p, { path: p });
  for (const cell of usage.cells) {
    for (const p of cell.listed ?? []) if (!listed.has(p)) listed.set(p, { path: p, firstCell: { seq: cell.seq, cell_id: cell.cellId } });
  }
  return [...listed.values()];
}
