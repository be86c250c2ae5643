import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic';
import { retraceHome } from './paths';
import type { CellRecord } from '../../core/contract/records';
import { createSession, listSessions, locateRun, readCellRecords, readSessionMeta, sessionPaths, writeSessionMeta, type RecordCache } from './sessions';
import type { SessionMeta } from '../../core/contract/records';

const meta = (id: string, startedAt: string): SessionMeta => ({
  id,
  kind: 'audit',
  startedAt,
  audited: true,
  python: '/usr/bin/python3',
  argv: ['strace', '-f'],
  launcherPid: 1,
  cwd: '/'
});

describe('the session store', () => {
  it('creates a private folder per session and reads it back', () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-store-'));
    const created = meta('k1', '2026-01-01T00:00:00Z');
    const paths = createSession(created, root);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(created.run).toMatch(/^[0-9a-z]+-[0-9a-f]{12}$/);
    expect(readSessionMeta('k1', root)).toEqual({ ...meta('k1', '2026-01-01T00:00:00Z'), run: created.run });
    expect(readSessionMeta('nope', root)).toBeUndefined();
  });

  it('lists sessions newest first with their log sizes', () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-store-'));
    createSession(meta('old', '2026-01-01T00:00:00Z'), root);
    const p = createSession(meta('new', '2026-02-01T00:00:00Z'), root);
    writeFileAtomic(p.log, 'x'.repeat(10));
    expect(listSessions(root).map(s => [s.id, s.logBytes])).toEqual([
      ['new', 10],
      ['old', 0]
    ]);
  });

  it('rewrites the description atomically, leaving no temp files', () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-store-'));
    const m = meta('k2', '2026-01-01T00:00:00Z');
    const paths = createSession(m, root);
    writeSessionMeta(paths, { ...m, exitCode: 0 });
    expect(JSON.parse(readFileSync(sessionPaths('k2', root).meta, 'utf8')).exitCode).toBe(0);
    expect(readdirSync(paths.dir)).toEqual(['session.json']);
  });
});

describe('a kernel restarted under the same id', () => {
  it('moves the earlier run aside instead of overwriting its trace', () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-store-'));
    const first = createSession(meta('k3', '2026-01-01T00:00:00Z'), root);
    writeFileAtomic(first.log, 'first run');
    createSession(meta('k3', '2026-01-02T00:00:00Z'), root);
    createSession(meta('k3', '2026-01-03T00:00:00Z'), root);
    expect(readdirSync(root).sort()).toEqual(['k3', 'k3.run-1', 'k3.run-2']);
    expect(readFileSync(join(root, 'k3.run-1', 'trace.log'), 'utf8')).toBe('first run');
    expect(readSessionMeta('k3', root)?.startedAt).toBe('2026-01-03T00:00:00Z');
  });

  const record = (run: string | undefined, seq: number, sha: string): CellRecord =>
    ({ session: 'k4', run, seq, cellId: 'c1', executionCount: seq, reads: [{ path: 'x.txt', sha256: sha }], lineage: sha }) as unknown as CellRecord;
  const writeRecord = (cellsDir: string, r: CellRecord) => writeFileAtomic(join(cellsDir, `${r.seq}.json`), JSON.stringify(r) + '\n');

  it('serves the new run’s records after a restart, though they have the same names as the last run’s', () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-store-'));
    const cache: RecordCache = new Map();
    const first = meta('k4', '2026-01-01T00:00:00Z');
    const run1 = createSession(first, root);
    mkdirSync(run1.cells);
    writeRecord(run1.cells, record(first.run, 1, 'sha256:old'));
    expect(readCellRecords('k4', root, cache).map(r => r.lineage)).toEqual(['sha256:old']);

    // Restart: same kernel id, same folder name, same record names, another run.
    const second = meta('k4', '2026-01-02T00:00:00Z');
    const run2 = createSession(second, root);
    expect(second.run).not.toBe(first.run);
    expect(readCellRecords('k4', root, cache)).toEqual([]);
    mkdirSync(run2.cells);
    writeRecord(run2.cells, record(second.run, 1, 'sha256:new'));
    expect(readCellRecords('k4', root, cache).map(r => [r.run, r.lineage])).toEqual([[second.run, 'sha256:new']]);
    // The earlier run is where the restart moved it, with its own records.
    expect(locateRun('k4', first.run, root)?.dir).toBe(join(root, 'k4.run-1'));
    expect(locateRun('k4', second.run, root)?.dir).toBe(join(root, 'k4'));
    expect(locateRun('k4', 'no-such-run', root)).toBeUndefined();
    expect(readCellRecords('k4.run-1', root, cache).map(r => r.lineage)).toEqual(['sha256:old']);
  });

  it('leaves out a record an earlier run’s launcher wrote late into the new run’s folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-store-'));
    const first = meta('k5', '2026-01-01T00:00:00Z');
    createSession(first, root);
    const second = meta('k5', '2026-01-02T00:00:00Z');
    const run2 = createSession(second, root);
    mkdirSync(run2.cells);
    writeRecord(run2.cells, record(first.run, 7, 'sha256:late'));
    writeRecord(run2.cells, record(second.run, 1, 'sha256:mine'));
    expect(readCellRecords('k5', root).map(r => r.lineage)).toEqual(['sha256:mine']);
  });

  it('still reads sessions recorded before runs had ids', () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-store-'));
    const paths = sessionPaths('k6', root);
    mkdirSync(paths.cells, { recursive: true });
    writeFileAtomic(paths.meta, JSON.stringify(meta('k6', '2026-01-01T00:00:00Z')));
    writeRecord(paths.cells, record(undefined, 1, 'sha256:a'));
    expect(readCellRecords('k6', root).map(r => r.lineage)).toEqual(['sha256:a']);
    expect(locateRun('k6', undefined, root)?.dir).toBe(paths.dir);
  });
});

describe('retraceHome', () => {
  it('prefers RETRACE_HOME, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(retraceHome({ RETRACE_HOME: '/r' })).toBe('/r');
    expect(retraceHome({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/retrace');
    expect(retraceHome({ HOME: '/h' })).toBe('/h/.local/share/retrace');
  });
});
