import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { DependencyReport } from '../../core/contract/dependencies';
import { depsCommand, isArchivePath, readArchiveMember } from './deps';

const dir = mkdtempSync(join(tmpdir(), 'retrace-deps-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const report: DependencyReport = {
  notebook: '/nb/a.ipynb',
  session: 's1',
  package_database: 'dpkg',
  total: {
    python: [{ name: 'numpy', version: '2.1.0', location: '/v/site-packages', files: 3, use: 'imported', first_cell: null }],
    system: [],
    unowned: { count: 0, examples: [] },
    programs: [],
    data: { read: [], written: [] }
  },
  cells: []
};

async function archive(name: string, members: Record<string, string>, gzip = true): Promise<string> {
  const src = join(dir, `${name}-src`);
  mkdirSync(src, { recursive: true });
  for (const [member, text] of Object.entries(members)) writeFileSync(join(src, member), text);
  const file = join(dir, name);
  await tar.c({ gzip, file, cwd: src, portable: true }, Object.keys(members));
  return file;
}

/** Runs the command, capturing what it prints and says on stderr. */
async function deps(target: string, json = false) {
  let out = '';
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation(chunk => ((err += String(chunk)), true));
  const code = await depsCommand({ target, json }, t => (out += t));
  return { code, out, err };
}

describe('isArchivePath', () => {
  it('knows archives by name', () => {
    for (const p of ['x.retrace.tar.gz', 'x.tgz', 'x.tar', 'X.TAR.GZ']) expect(isArchivePath(p), p).toBe(true);
    for (const p of ['x.ipynb', 'x.tar.gz.ipynb', 'tarball']) expect(isArchivePath(p), p).toBe(false);
  });
});

describe('readArchiveMember', () => {
  it('reads one member of a gzip or plain tar, and nothing when it is absent', async () => {
    const gz = await archive('a.tar.gz', { 'manifest.json': '{}', 'deps.json': 'hello' });
    expect((await readArchiveMember(gz, 'deps.json'))?.toString()).toBe('hello');
    expect(await readArchiveMember(gz, 'other.json')).toBeUndefined();
    const plain = await archive('b.tar', { 'deps.json': 'plain' }, false);
    expect((await readArchiveMember(plain, 'deps.json'))?.toString()).toBe('plain');
  });
});

describe('depsCommand on an archive', () => {
  it('prints the report the archive carries, as text or JSON', async () => {
    const file = await archive('c.retrace.tar.gz', { 'manifest.json': '{}', 'deps.json': JSON.stringify(report) });
    const text = await deps(file);
    expect(text.code).toBe(0);
    expect(text.out).toContain('Dependencies of /nb/a.ipynb (audit session s1)');
    expect(text.out).toContain('numpy');
    const json = await deps(file, true);
    expect(JSON.parse(json.out)).toEqual(report);
  });

  it('says clearly when the archive has no report, or is no archive', async () => {
    const without = await archive('d.tar.gz', { 'manifest.json': '{}' });
    expect(await deps(without)).toMatchObject({ code: 2, out: '', err: expect.stringContaining('has no deps.json') });
    const bogus = join(dir, 'bogus.tar.gz');
    writeFileSync(bogus, 'not a tar file at all, just text that goes on for a while '.repeat(20));
    expect(await deps(bogus)).toMatchObject({ code: 2, err: expect.stringContaining('not a readable tar archive') });
    const notReport = await archive('e.tgz', { 'deps.json': '{"hello": 1}' });
    expect(await deps(notReport)).toMatchObject({ code: 2, err: expect.stringContaining('not a dependency report') });
  });
});

describe('depsCommand on a notebook', () => {
  it('exits 2 for a missing file', async () => {
    expect(await deps(join(dir, 'nope.ipynb'))).toMatchObject({ code: 2, err: expect.stringContaining('no such file') });
    expect(await deps(join(dir, 'nope.tar.gz'))).toMatchObject({ code: 2, err: expect.stringContaining('no such file') });
  });

  it('exits 2 for a notebook that was never audited', async () => {
    const nb = join(dir, 'plain.ipynb');
    writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    expect(await deps(nb)).toMatchObject({ code: 2, err: expect.stringContaining('never audited') });
  });
});
