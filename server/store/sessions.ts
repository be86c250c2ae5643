/**
 * The session store: one folder per audited kernel session, holding the raw strace
 * log (append-only, written by strace itself) and a small JSON description.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic';
import { sessionsRoot } from './paths';
import type { CellRecord, SessionMeta } from '../../core/contract/records';
import { recordsOfRun } from '../../core/provenance/record-match';

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

/** A new run id: one per start of a launcher. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/**
 * Create the folder (private to the user: traces name every file touched). A kernel
 * restarted by Jupyter keeps its id, so an earlier run's folder is moved aside to
 * `<id>.run-<n>` rather than overwritten, and `meta` gets a run id of its own (kept
 * in it, so later writes of it keep the run).
 */
export function createSession(meta: SessionMeta, root = sessionsRoot()): SessionPaths {
  meta.run ??= newRunId();
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
  return readMetaAt(sessionPaths(id, root).meta);
}

function readMetaAt(file: string): SessionMeta | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as SessionMeta;
}

/**
 * Where a run of a session is now: `<id>` while it is the latest run, `<id>.run-<n>`
 * once a restart moved it aside. A launcher still finishing an earlier run writes
 * there, never into the folder of the run that replaced it. Undefined when no folder
 * holds that run.
 */
export function locateRun(id: string, run: string | undefined, root = sessionsRoot()): SessionPaths | undefined {
  const current = sessionPaths(id, root);
  if (readMetaAt(current.meta)?.run === run) return current;
  if (!existsSync(root)) return undefined;
  const prefix = `${id}.run-`;
  for (const name of readdirSync(root)) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    const paths = sessionPaths(name, root);
    if (readMetaAt(paths.meta)?.run === run) return paths;
  }
  return undefined;
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

/** Parsed records by file, with the identity of the file they were parsed from. */
export type RecordCache = Map<string, { stamp: string; record: CellRecord }>;

/** Changes whenever the name holds another file: a restart's new run writes the same names. */
function fileStamp(file: string): string | undefined {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}

/**
 * The cell records of a session's current run, in execution order. Each record file
 * is written once, atomically; but a restart (same kernel id) starts a new run that
 * writes the same names again, so a cache (the companion looks again every 100 ms
 * while a request waits for a record) is keyed by the file's identity, not its name,
 * and records of another run than session.json's are left out.
 */
export function readCellRecords(id: string, root = sessionsRoot(), cache?: RecordCache): CellRecord[] {
  const { cells, meta } = sessionPaths(id, root);
  if (!existsSync(cells)) return [];
  const records: CellRecord[] = [];
  for (const f of readdirSync(cells)) {
    if (!/^\d+\.json$/.test(f)) continue;
    const file = join(cells, f);
    const stamp = fileStamp(file);
    if (stamp === undefined) continue; // gone since listed
    const cached = cache?.get(file);
    let record = cached?.stamp === stamp ? cached.record : undefined;
    if (!record) {
      record = JSON.parse(readFileSync(file, 'utf8')) as CellRecord;
      cache?.delete(file);
      cache?.set(file, { stamp, record });
      // keep the cache bounded: forget the oldest records first
      if (cache && cache.size > MAX_CACHED_RECORDS) cache.delete(cache.keys().next().value!);
    }
    records.push(record);
  }
  // Read after the records: a run that started meanwhile only hides records, never mixes them.
  const run = readMetaAt(meta)?.run;
  return recordsOfRun(records, run).sort((a, b) => a.seq - b.seq);
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
