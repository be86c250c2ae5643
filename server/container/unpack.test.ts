import { execFileSync, spawn } from 'node:child_process';
import { promises as fs, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobPath } from '../../core/container/manifest';
import { archiveHash } from './archive-hash';
import { containerMembers, sha256 } from './__fixtures__/archive-builder';
import { ContainerError, dropIfTouched, openContainer, readArchiveMember, type UnpackedContainer } from './unpack';
import { DATA, fresh, LIB, PYTHON, rawArchive, SPEC, useScratch, validArchive } from './__fixtures__/unpack-fixtures';

useScratch();

describe('a valid container', () => {
  let archive: string;
  let cacheRoot: string;
  let opened: UnpackedContainer;

  beforeAll(async () => {
    archive = await validArchive();
    cacheRoot = await fresh('cache');
    opened = await openContainer(archive, { cacheRoot });
  });

  it('is a tar.gz that GNU tar lists, with root/ files as hard links to blobs', () => {
    const listing = execFileSync('tar', ['-tzvf', archive], { encoding: 'utf8' });
    const names = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n');
    expect(names).toContain('manifest.json');
    expect(names).toContain(blobPath(sha256(PYTHON)));
    expect(names).toContain('root/usr/bin/python3.11');
    expect(listing).toMatch(/root\/usr\/bin\/python3\.11 link to blobs\/sha256\//);
    expect(listing).toMatch(/root\/bin -> usr\/bin/);
  });

  it('is extracted by GNU tar with hard links and symbolic links', async () => {
    const out = await fresh('gnu');
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    const python = statSync(join(out, 'root/usr/bin/python3.11'));
    expect(python.ino).toBe(statSync(join(out, blobPath(sha256(PYTHON)))).ino);
    expect(readFileSync(join(out, 'root/bin/python3'), 'utf8')).toBe(PYTHON);
    expect(readlinkSync(join(out, 'root/usr/lib/libz.so'))).toBe('/usr/lib/libz.so.1');
  });

  it('describes the unpacked folder', () => {
    const hex = sha256(readFileSync(archive)).slice('sha256:'.length);
    expect(opened.archiveHash).toBe(`sha256:${hex}`);
    expect(opened.dir).toBe(join(cacheRoot, hex));
    expect(opened.rootDir).toBe(join(opened.dir, 'root'));
    expect(opened.cached).toBe(false);
    expect(opened.manifest.format).toBe('1');
    expect(opened.manifest.entries.map(e => e.path)).toContain('/usr/bin/python3.11');
    expect(readFileSync(opened.notebookPath, 'utf8')).toContain('nbformat');
    expect(readFileSync(join(opened.provenanceDir, 'cells', '1.json'), 'utf8')).toBe('{"seq":1}');
    expect(readFileSync(join(opened.dir, 'deps.json'), 'utf8')).toContain('python');
  });

  it('rebuilds root/ with content, hard links to blobs, modes and times', () => {
    const root = opened.rootDir;
    expect(readFileSync(join(root, 'usr/bin/python3.11'), 'utf8')).toBe(PYTHON);
    expect(readFileSync(join(root, 'usr/lib/libz.so.1'))).toEqual(LIB);
    expect(readFileSync(join(root, 'home/ada/work/data.csv'), 'utf8')).toBe(DATA);

    const python = statSync(join(root, 'usr/bin/python3.11'));
    expect(python.ino).toBe(statSync(join(opened.dir, blobPath(sha256(PYTHON)))).ino);
    expect(python.mode & 0o7777).toBe(0o755);
    expect(python.mtimeMs).toBe(1_600_000_000_000);
    expect(statSync(join(root, 'usr/lib/libz.so.1')).mode & 0o7777).toBe(0o644);

    const data = statSync(join(root, 'home/ada/work/data.csv'));
    expect(data.ino).toBe(statSync(join(root, 'home/ada/work/copy.csv')).ino);
    expect(data.mode & 0o7777).toBe(0o600);
    expect(data.mtimeMs).toBe(1_600_000_200_500);

    const work = statSync(join(root, 'home/ada/work'));
    expect(work.isDirectory()).toBe(true);
    expect(work.mode & 0o7777).toBe(0o750);
    expect(work.mtimeMs).toBe(1_600_000_300_000);
  });

  it('keeps symbolic links as recorded', () => {
    const root = opened.rootDir;
    expect(readlinkSync(join(root, 'bin'))).toBe('usr/bin');
    expect(readlinkSync(join(root, 'usr/bin/python3'))).toBe('python3.11');
    expect(readlinkSync(join(root, 'usr/lib/libz.so'))).toBe('/usr/lib/libz.so.1');
    expect(lstatSync(join(root, 'usr/bin/python3')).mtimeMs).toBe(1_600_000_050_000);
    // Relative links work on the host too.
    expect(readFileSync(join(root, 'bin/python3'), 'utf8')).toBe(PYTHON);
  });

  it('answers a second open from the cache', async () => {
    const again = await openContainer(archive, { cacheRoot });
    expect(again.cached).toBe(true);
    expect(again.dir).toBe(opened.dir);
    expect(again.manifest).toEqual(opened.manifest);
  });

  it('leaves only the entry (and maybe the hash index) in the cache', () => {
    expect(readdirSync(cacheRoot).filter(n => n !== 'index.json')).toEqual([opened.archiveHash.slice(7)]);
  });

  it('reads small members without unpacking', async () => {
    const manifest = await readArchiveMember(archive, 'manifest.json');
    expect(JSON.parse(manifest!.toString('utf8'))).toEqual(opened.manifest);
    expect((await readArchiveMember(archive, 'deps.json'))!.toString()).toBe(JSON.stringify({ python: [] }));
    expect(await readArchiveMember(archive, 'nothing.json')).toBeUndefined();
    await expect(readArchiveMember(archive, 'root/bin')).rejects.toThrow(/not a regular file/);
    await expect(readArchiveMember(archive, '../x')).rejects.toThrow(ContainerError);
  });
});

describe('unpacking details', () => {
  it('gives the same content its own inode when mode or time differ', async () => {
    const archive = await validArchive({
      files: [
        { path: '/a/run', content: 'x', mode: 0o755, mtime: 10 },
        { path: '/a/read', content: 'x', mode: 0o444, mtime: 10 },
        { path: '/a/later', content: 'x', mode: 0o755, mtime: 20 }
      ]
    });
    const { rootDir } = await openContainer(archive, { cacheRoot: await fresh('cache') });
    const run = statSync(join(rootDir, 'a/run'));
    const read = statSync(join(rootDir, 'a/read'));
    const later = statSync(join(rootDir, 'a/later'));
    expect(new Set([run.ino, read.ino, later.ino]).size).toBe(3);
    expect([run.mode & 0o777, read.mode & 0o777, later.mode & 0o777]).toEqual([0o755, 0o444, 0o755]);
    expect([run.mtimeMs, read.mtimeMs, later.mtimeMs]).toEqual([10_000, 10_000, 20_000]);
    expect(readFileSync(join(rootDir, 'a/read'), 'utf8')).toBe('x');
  });

  it('reports progress by bytes read, then by entries built', async () => {
    const archive = await validArchive();
    const seen: { phase: string; done: number; total?: number }[] = [];
    await openContainer(archive, { cacheRoot: await fresh('cache'), onProgress: p => seen.push(p) });
    const size = statSync(archive).size;
    const last = (phase: string) => seen.filter(p => p.phase === phase).at(-1);
    expect(last('hash')).toEqual({ phase: 'hash', done: size, total: size });
    expect(last('unpack')).toEqual({ phase: 'unpack', done: size, total: size });
    expect(last('build')!.done).toBe(last('build')!.total);
    expect(seen.map(p => p.phase).filter((p, i, all) => all.indexOf(p) === i)).toEqual(['hash', 'unpack', 'build']);
  });

  it('rebuilds a cache entry that was damaged', async () => {
    const archive = await validArchive();
    const cacheRoot = await fresh('cache');
    const first = await openContainer(archive, { cacheRoot });
    await fs.rm(join(first.dir, 'manifest.json'));
    const second = await openContainer(archive, { cacheRoot });
    expect(second.cached).toBe(false);
    expect(readFileSync(join(second.rootDir, 'usr/bin/python3.11'), 'utf8')).toBe(PYTHON);
  });

  it('accepts a hand-written archive with the same layout', async () => {
    const archive = await rawArchive(containerMembers(SPEC));
    const opened = await openContainer(archive, { cacheRoot: await fresh('cache') });
    expect(readlinkSync(join(opened.rootDir, 'usr/lib/libz.so'))).toBe('/usr/lib/libz.so.1');
    expect(readFileSync(join(opened.rootDir, 'home/ada/work/copy.csv'), 'utf8')).toBe(DATA);
  });
});

describe('the archive hash index', () => {
  it('skips hashing an unchanged archive and notices a changed one', async () => {
    const dir = await fresh('index');
    const archive = join(dir, 'a.tar.gz');
    const indexFile = join(dir, 'index.json');
    await fs.writeFile(archive, 'first content');
    const later = () => Date.now() + 60_000; // as if the file had settled long ago

    const first = await archiveHash(archive, { indexFile, now: later });
    expect(first).toEqual({ hash: sha256('first content'), fromIndex: false });
    expect(await archiveHash(archive, { indexFile, now: later })).toEqual({ hash: first.hash, fromIndex: true });

    // Same size, same mtime: the change time still moves.
    const { mtime } = statSync(archive);
    await fs.writeFile(archive, 'other content');
    await fs.utimes(archive, mtime, mtime);
    expect(await archiveHash(archive, { indexFile, now: later })).toEqual({ hash: sha256('other content'), fromIndex: false });
  });

  it('does not index a file changed moments ago', async () => {
    const dir = await fresh('index');
    const archive = join(dir, 'a.tar.gz');
    const indexFile = join(dir, 'index.json');
    await fs.writeFile(archive, 'content');
    await archiveHash(archive, { indexFile });
    expect((await archiveHash(archive, { indexFile })).fromIndex).toBe(false);
  });
});

describe('concurrent opens', () => {
  it('share one cache entry within a process', async () => {
    const archive = await validArchive();
    const cacheRoot = await fresh('cache');
    const results = await Promise.all([1, 2, 3].map(() => openContainer(archive, { cacheRoot })));
    expect(new Set(results.map(r => r.dir)).size).toBe(1);
    expect(results.filter(r => !r.cached)).toHaveLength(1);
    expect(readdirSync(cacheRoot).filter(n => n !== 'index.json')).toEqual([results[0].archiveHash.slice(7)]);
    expect(readFileSync(join(results[0].rootDir, 'bin/python3'), 'utf8')).toBe(PYTHON);
  });

  it('share one cache entry across processes', async () => {
    const dir = await fresh('child');
    const script = join(dir, 'open.cjs');
    await build({
      stdin: {
        contents:
          "const { openContainer } = require('./unpack');\n" +
          'openContainer(process.argv[2], { cacheRoot: process.argv[3] }).then(' +
          '(c) => process.stdout.write(JSON.stringify({ dir: c.dir, cached: c.cached })),' +
          '(e) => { process.stderr.write(String(e)); process.exit(1); });\n',
        resolveDir: __dirname,
        loader: 'ts'
      },
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent'
    });
    const archive = await validArchive();
    const cacheRoot = await fresh('cache');
    const runChild = () =>
      new Promise<{ dir: string; cached: boolean }>((resolve, reject) => {
        const child = spawn(process.execPath, [script, archive, cacheRoot], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', c => (out += c));
        child.stderr.on('data', c => (err += c));
        child.on('close', code => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child failed: ${err}`))));
      });
    const results = await Promise.all([runChild(), runChild(), openContainer(archive, { cacheRoot })]);
    expect(new Set(results.map(r => r.dir)).size).toBe(1);
    expect(results.filter(r => !r.cached).length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(cacheRoot).filter(n => n.startsWith('.'))).toEqual([]);
    expect(readFileSync(join(results[0].dir, 'root/usr/bin/python3.11'), 'utf8')).toBe(PYTHON);
  }, 60_000);
});

describe('dropIfTouched', () => {
  it('keeps an untouched cache entry, and drops one a run wrote into through a link', async () => {
    const archive = await validArchive();
    const cacheRoot = await fresh('cache');
    const opened = await openContainer(archive, { cacheRoot });
    expect(await dropIfTouched(opened)).toEqual([]);
    expect(statSync(opened.dir).isDirectory()).toBe(true);

    await fs.appendFile(join(opened.rootDir, 'usr/lib/libz.so.1'), 'written by a run');
    expect(await dropIfTouched(opened)).toEqual(['/usr/lib/libz.so.1']);
    expect(readdirSync(cacheRoot).filter(n => !n.startsWith('.') && n !== 'index.json')).toEqual([]);
    // the next open unpacks it afresh, intact
    const again = await openContainer(archive, { cacheRoot });
    expect(again.cached).toBe(false);
    expect(readFileSync(join(again.rootDir, 'usr/lib/libz.so.1'))).toEqual(LIB);
  });
});
