/**
 * Which paths a container must hold, from what the audited run used: the software
 * of start-up and of every cell, the programs run, the data files read (with the
 * hash each had when first read). Each path comes once, with the first cell that
 * used it and its strongest role.
 */
import type { FileRecord } from '../metadata/types';
import type { CellRef, EntryRole } from './manifest';
import type { SessionUsage } from './usage';

export interface WantedPath {
  path: string;
  role: EntryRole;
  /** Absent: used at kernel start-up, before any cell. */
  firstCell?: CellRef;
  /** For data files: what the audit recorded when the cell first read it. */
  asRead?: FileRecord;
}

/** A program outranks a library, which outranks a data file: the role says why a path is there. */
const RANK: Record<EntryRole, number> = { executable: 3, system: 2, user: 1, notebook: 0 };

export function wantedPaths(usage: SessionUsage): WantedPath[] {
  const wanted = new Map<string, WantedPath>();
  const want = (path: string, role: EntryRole, firstCell?: CellRef, asRead?: FileRecord) => {
    const known = wanted.get(path);
    if (!known) wanted.set(path, { path, role, firstCell, asRead });
    else if (RANK[role] > RANK[known.role]) known.role = role;
  };
  for (const p of usage.startup.programs) want(p, 'executable');
  for (const p of usage.startup.software) want(p, 'system');
  for (const cell of usage.cells) {
    const ref: CellRef = { seq: cell.seq, cell_id: cell.cellId };
    for (const p of cell.programs) want(p, 'executable', ref);
    for (const p of cell.software) want(p, 'system', ref);
    cell.readPaths.forEach((p, i) => want(p, 'user', ref, cell.reads[i]));
  }
  return [...wanted.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
