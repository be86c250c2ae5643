import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic';
import { retraceHome } from './paths';
import { createSession, listSessions, readSessionMeta, sessionPaths, writeSessionMeta, type SessionMeta } from './sessions';

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
    const paths = createSession(meta('k1', '2026-01-01T00:00:00Z'), root);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(readSessionMeta('k1', root)).toEqual(meta('k1', '2026-01-01T00:00:00Z'));
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
});

describe('retraceHome', () => {
  it('prefers RETRACE_HOME, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(retraceHome({ RETRACE_HOME: '/r' })).toBe('/r');
    expect(retraceHome({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/retrace');
    expect(retraceHome({ HOME: '/h' })).toBe('/h/.local/share/retrace');
  });
});
