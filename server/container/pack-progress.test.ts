/**
 * Packaging progress counts what the result counts, and moves while the archive is
 * written: a real pack of a small audited session (a file, a link to it, a folder
 * the run opened, a data file).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PackageProgress } from '../../core/contract/packaging';
import { packNotebook } from './pack';

const dir = mkdtempSync(join(tmpdir(), 'retrace-pack-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function auditedSession(): { notebook: string; sessions: string } {
  const sys = join(dir, 'sys');
  mkdirSync(join(sys, 'locale', 'LC_MESSAGES'), { recursive: true });
  writeFileSync(join(sys, 'libz.so.1'), Buffer.alloc(200_000, 7));
  symlinkSync('libz.so.1', join(sys, 'libz.so'));
  const nbDir = join(dir, 'work');
  mkdirSync(nbDir);
  writeFileSync(join(nbDir, 'data.csv'), 'a,1\n');
  const sessions = join(dir, 'sessions');
  const id = 'progress';
  mkdirSync(join(sessions, id, 'cells'), { recursive: true });
  const meta = { id, kind: 'audit', startedAt: new Date().toISOString(), audited: true, python: '/usr/bin/python3', argv: [], launcherPid: 0, cwd: nbDir };
  writeFileSync(join(sessions, id, 'session.json'), JSON.stringify(meta));
  // A folder the run opened (locale lookups do), a link and the file it leads to.
  writeFileSync(
    join(sessions, id, 'startup.json'),
    JSON.stringify({ software: [join(sys, 'libz.so'), join(sys, 'libz.so.1'), join(sys, 'locale', 'LC_MESSAGES')], programs: [] })
  );
  const record = {
    session: id,
    seq: 1,
    cellId: 'c1',
    executionCount: 1,
    software: [],
    programs: [],
    reads: [{ path: 'data.csv' }],
    writes: [],
    readPaths: [join(nbDir, 'data.csv')],
    writePaths: []
  };
  writeFileSync(join(sessions, id, 'cells', '1.json'), JSON.stringify(record));
  const notebook = join(nbDir, 'nb.ipynb');
  const audit = { session: id, started_at: meta.startedAt, kernel: 'retrace-audit', retrace_version: '0' };
  writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { retrace: { spec_version: '1.0.0', audit } }, cells: [] }));
  return { notebook, sessions };
}

describe('packaging progress', () => {
  it('counts distinct files as the result does, and archive bytes up to their total', async () => {
    const { notebook, sessions } = auditedSession();
    const seen: PackageProgress[] = [];
    const result = await packNotebook({ notebook, sessionsRoot: sessions, output: join(dir, 'out.tar.gz'), onProgress: p => seen.push(p) });
    const copying = seen.filter(p => p.phase === 'copying');
    // libz.so.1 (reached twice) and data.csv; the folder is no file.
    expect(result.files).toBe(2);
    expect(copying.at(-1)).toEqual({ phase: 'copying', done: 2, total: 2 });

    const archiving = seen.filter(p => p.phase === 'archiving');
    const total = archiving[0].total;
    // The 200 kB library once (root/ holds a hard link to its blob), plus the small files.
    expect(total).toBeGreaterThan(200_000);
    expect(total).toBeLessThan(220_000);
    expect(archiving.every(p => p.total === total)).toBe(true);
    expect(archiving.map(p => p.done)).toEqual([...archiving.map(p => p.done)].sort((a, b) => a - b));
    expect(archiving.at(-1)).toMatchObject({ done: total, archiveBytes: result.archiveBytes });
    expect(seen.at(-1)).toEqual({ phase: 'done', done: 1, total: 1 });
  });
});
