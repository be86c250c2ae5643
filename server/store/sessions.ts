/**
 * The session store: one folder per audited kernel session, holding the raw strace
 * log (append-only, written by strace itself) and a small JSON description.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic';
import { sessionsRoot } from './paths';
import type { CellRecord } from '../core/provenance/cell-record';
import type { SessionMeta } from '../core/session';

export type { SessionMeta };

export interface SessionPaths {
  dir: string;
  meta: string;
  log: string;
  /** One record per finished cell execution: cells/<seq>.json. */
  cells: string;
  /** Software used outside cells (kernel start-up, idle workers). */
  startup: string;
}

export function sessionPaths(id: string, root = sessionsRoot()): SessionPaths {
  const dir = join(root, id);
  return { dir, meta: join(dir, 'session.json'), log: join(dir, 'trace.log'), cells: join(dir, 'cells'), startup: join(dir, 'startup.json') };
}

/**
 * Create the folder (private to the user: traces name every file touched). A kernel
 * restarted by Jupyter keeps its id, so an earlier run's folder is moved aside to
 * `<id>.run-<n>` rather than overwritten.
 */
export function createSession(meta: SessionMeta, root = sessionsRoot()): SessionPaths {
  const paths = sessionPaths(meta.id, root);
  if (existsSync(paths.dir)) {
    let n = 1;
    while (existsSync(`${paths.dir}.run-${n}`)) n++;
    renameSync(paths.dir, `${paths.dir}.run-${n}`);
  }
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writeSessionMeta(paths, meta);
  return paths;
}

export function writeSessionMeta(paths: SessionPaths, meta: SessionMeta): void {
  writeFileAtomic(paths.meta, JSON.stringify(meta, null, 2) + '\n');
}

export function readSessionMeta(id: string, root = sessionsRoot()): SessionMeta | undefined {
  const { meta } = sessionPaths(id, root);
  if (!existsSync(meta)) return undefined;
  return JSON.parse(readFileSync(meta, 'utf8')) as SessionMeta;
}

export interface SessionSummary extends SessionMeta {
  logBytes: number;
}

export function listSessions(root = sessionsRoot()): SessionSummary[] {
  if (!existsSync(root)) return [];
  const out: SessionSummary[] = [];
  for (const id of readdirSync(root)) {
    const meta = readSessionMeta(id, root);
    if (!meta) continue;
    const { log } = sessionPaths(id, root);
    out.push({ ...meta, logBytes: existsSync(log) ? statSync(log).size : 0 });
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

const MAX_CACHED_RECORDS = 512;

/**
 * The cell records a session's launcher has written, in execution order. Records are
 * written once, atomically, and never changed: pass a cache to parse each only once
 * (the companion looks again every 100 ms while a request waits for a record).
 */
export function readCellRecords(id: string, root = sessionsRoot(), cache?: Map<string, CellRecord>): CellRecord[] {
  const { cells } = sessionPaths(id, root);
  if (!existsSync(cells)) return [];
  return readdirSync(cells)
    .filter(f => /^\d+\.json$/.test(f))
    .map(f => {
      const file = join(cells, f);
      let record = cache?.get(file);
      if (!record) {
        record = JSON.parse(readFileSync(file, 'utf8')) as CellRecord;
        cache?.set(file, record);
        // keep the cache bounded: forget the oldest records first
        if (cache && cache.size > MAX_CACHED_RECORDS) cache.delete(cache.keys().next().value!);
      }
      return record;
    })
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Every session folder with its description, newest first. The folder name is what
 * a notebook's metadata names: a restarted kernel's earlier run lives in
 * `<id>.run-<n>` while its session.json still says `<id>`.
 */
export function sessionFolders(root = sessionsRoot()): Array<{ folder: string; meta: SessionMeta }> {
  if (!existsSync(root)) return [];
  const out: Array<{ folder: string; meta: SessionMeta }> = [];
  for (const folder of readdirSync(root)) {
    let meta: SessionMeta | undefined;
    try {
      meta = readSessionMeta(folder, root);
    } catch {
      continue; // a session.json being written or broken: not a candidate
    }
    if (meta) out.push({ folder, meta });
  }
  return out.sort((a, b) => b.meta.startedAt.localeCompare(a.meta.startedAt));
}
