import { execFileSync, spawn } from 'node:child_process';
import { promises as fs, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobPath } from '../core/container/manifest';
import { archiveHash } from './archive-hash';
import {
  containerMembers,
  packTree,
  rawTar,
  rawTarGz,
  sha256,
  writeContainerTree,
  type ContainerSpec,
  type RawMember
} from './fixture-archive';
import { ContainerError, dropIfTouched, openContainer, readArchiveMember, type UnpackedContainer } from './unpack';

let scratch: string;
let counter = 0;

beforeAll(async () => {
  scratch = await fs.mkdtemp(join(tmpdir(), 'retrace-unpack-'));
});

afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

const fresh = async (name: string): Promise<string> => {
  const dir = join(scratch, `${name}-${++counter}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
};

const PYTHON = '#!/usr/bin/python3\nprint("hi")\n';
const LIB = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]);
const DATA = 'a,b\n1,2\n';

/** A small but complete container: a merged-/usr symlink, absolute and relative links, shared content. */
const SPEC: ContainerSpec = {
  folders: [
    { path: '/home/ada/work', mode: 0o750, mtime: 1_600_000_300 },
    { path: '/usr/bin', mode: 0o755 }
  ],
  files: [
    { path: '/usr/bin/python3.11', content: PYTHON, mode: 0o755, mtime: 1_600_000_000 },
    { path: '/usr/lib/libz.so.1', content: LIB, mode: 0o644, mtime: 1_600_000_100 },
    { path: '/home/ada/work/data.csv', content: DATA, mode: 0o600, mtime: 1_600_000_200.5 },
    // Same content as data.csv with the same mode and time: shares its inode.
    { path: '/home/ada/work/copy.csv', content: DATA, mode: 0o600, mtime: 1_600_000_200.5 }
  ],
  symlinks: [
    { path: '/bin', target: 'usr/bin' },
    { path: '/usr/bin/python3', target: 'python3.11', mtime: 1_600_000_050 },
    { path: '/usr/lib/libz.so', target: '/usr/lib/libz.so.1' }
  ],
  provenance: { 'session.json': '{"cwd":"/home/ada/work"}', 'cells/1.json': '{"seq":1}' }
};

async function validArchive(spec: ContainerSpec = SPEC): Promise<string> {
  const dir = await fresh('tree');
  await writeContainerTree(join(dir, 'tree'), spec);
  const archive = join(dir, 'analysis.retrace.tar.gz');
  await packTree(join(dir, 'tree'), archive);
  return archive;
}

async function rawArchive(members: RawMember[], name = 'raw.retrace.tar.gz'): Promise<string> {
  const dir = await fresh('raw');
  const archive = join(dir, name);
  await fs.writeFile(archive, rawTarGz(members));
  return archive;
}

/** Open must fail with a ContainerError naming the archive and the member, and leave no trace in the cache. */
async function expectRefused(archive: string, member: string | undefined, message: RegExp): Promise<ContainerError> {
  const cacheRoot = await fresh('cache');
  const error = await openContainer(archive, { cacheRoot }).then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ContainerError);
  const containerError = error as ContainerError;
  expect(containerError.message).toMatch(message);
  expect(containerError.message).toContain(archive);
  if (member !== undefined) {
    expect(containerError.member).toBe(member);
    expect(containerError.message).toContain(member);
  }
  expect(readdirSync(cacheRoot).filter((n) => n !== 'index.json')).toEqual([]);
  return containerError;
}

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
    expect(opened.manifest.entries.map((e) => e.path)).toContain('/usr/bin/python3.11');
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
    expect(readdirSync(cacheRoot).filter((n) => n !== 'index.json')).toEqual([opened.archiveHash.slice(7)]);
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
    await openContainer(archive, { cacheRoot: await fresh('cache'), onProgress: (p) => seen.push(p) });
    const size = statSync(archive).size;
    const last = (phase: string) => seen.filter((p) => p.phase === phase).at(-1);
    expect(last('hash')).toEqual({ phase: 'hash', done: size, total: size });
    expect(last('unpack')).toEqual({ phase: 'unpack', done: size, total: size });
    expect(last('build')!.done).toBe(last('build')!.total);
    expect(seen.map((p) => p.phase).filter((p, i, all) => all.indexOf(p) === i)).toEqual(['hash', 'unpack', 'build']);
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
    expect(new Set(results.map((r) => r.dir)).size).toBe(1);
    expect(results.filter((r) => !r.cached)).toHaveLength(1);
    expect(readdirSync(cacheRoot).filter((n) => n !== 'index.json')).toEqual([results[0].archiveHash.slice(7)]);
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
        child.stdout.on('data', (c) => (out += c));
        child.stderr.on('data', (c) => (err += c));
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child failed: ${err}`))));
      });
    const results = await Promise.all([runChild(), runChild(), openContainer(archive, { cacheRoot })]);
    expect(new Set(results.map((r) => r.dir)).size).toBe(1);
    expect(results.filter((r) => !r.cached).length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(cacheRoot).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readFileSync(join(results[0].dir, 'root/usr/bin/python3.11'), 'utf8')).toBe(PYTHON);
  }, 60_000);
});

describe('malicious and broken archives', () => {
  const valid = () => containerMembers(SPEC);
  const withExtra = (...extra: RawMember[]) => [...valid().slice(0, -1), ...extra, ...valid().slice(-1)];

  it('refuses a member climbing out with ".."', async () => {
    const archive = await rawArchive(withExtra({ name: '../evil', type: '0', content: 'x' }));
    await expectRefused(archive, '../evil', /"\.\.\/evil" climbs out/);
    expect(readdirSync(scratch)).not.toContain('evil');
  });

  it('refuses an absolute member', async () => {
    const archive = await rawArchive(withExtra({ name: '/etc/evil', type: '0', content: 'x' }));
    await expectRefused(archive, '/etc/evil', /is an absolute path/);
  });

  it('refuses a symbolic link leaving root/', async () => {
    const archive = await rawArchive(withExtra({ name: 'root/x', type: '2', linkpath: '../../../etc/passwd' }));
    await expectRefused(archive, 'root/x', /"root\/x" is a symbolic link to "..\/..\/..\/etc\/passwd", which leaves/);
  });

  it('refuses a symbolic link outside root/', async () => {
    const archive = await rawArchive(withExtra({ name: 'provenance/x', type: '2', linkpath: 'session.json' }));
    await expectRefused(archive, 'provenance/x', /symbolic link outside root/);
  });

  it('refuses a hard link to anything but a blob', async () => {
    const outside = await rawArchive(withExtra({ name: 'root/x', type: '1', linkpath: '../../etc/passwd' }));
    await expectRefused(outside, 'root/x', /hard links may only point to a blob/);
    const manifest = await rawArchive(withExtra({ name: 'root/y', type: '1', linkpath: 'manifest.json' }));
    await expectRefused(manifest, 'root/y', /hard links may only point to a blob/);
  });

  it('refuses device files and FIFOs', async () => {
    const device = await rawArchive(withExtra({ name: 'root/dev/null', type: '3' }));
    await expectRefused(device, 'root/dev/null', /is a character device/);
    const fifo = await rawArchive(withExtra({ name: 'root/tmp/pipe', type: '6' }));
    await expectRefused(fifo, 'root/tmp/pipe', /FIFO/);
  });

  it('refuses member types node-tar skips', async () => {
    const archive = await rawArchive(withExtra({ name: 'root/sparse', type: 'S', content: 'x' }));
    await expectRefused(archive, 'root/sparse', /unsupported type/);
  });

  it('refuses a tampered blob', async () => {
    const members = valid();
    const blobName = blobPath(sha256(PYTHON));
    const blob = members.find((m) => m.name === blobName)!;
    blob.content = PYTHON.replace('hi', 'ha');
    await expectRefused(await rawArchive(members), blobName, /content hashing to sha256:[0-9a-f]{64}, not to its name/);
  });

  it('refuses a manifest whose blob is missing', async () => {
    const blobName = blobPath(sha256(LIB));
    const members = valid().filter((m) => m.name !== blobName && m.linkpath !== blobName);
    await expectRefused(await rawArchive(members), blobName, /manifest entry "\/usr\/lib\/libz.so.1" needs the blob/);
  });

  it('refuses a manifest entry whose size is not its blob\'s', async () => {
    const spec: ContainerSpec = {
      files: [{ path: '/usr/bin/python3.11', content: PYTHON }],
      editManifest: (m) => void (m.entries[0].size = 1)
    };
    await expectRefused(await rawArchive(containerMembers(spec)), blobPath(sha256(PYTHON)), /says 1 bytes but its blob/);
  });

  it('refuses a manifest entry below a symbolic link', async () => {
    const spec: ContainerSpec = {
      files: [{ path: '/usr/bin/python3.11', content: PYTHON }],
      symlinks: [{ path: '/bin', target: 'usr/bin' }],
      editManifest: (m) => {
        const hash = sha256(PYTHON);
        m.entries.push({ path: '/bin/evil', kind: 'file', hash, size: PYTHON.length, mode: 0o755, role: 'system' });
      }
    };
    await expectRefused(
      await rawArchive(containerMembers(spec)),
      'manifest.json',
      /"\/bin\/evil" is below "\/bin", which the manifest says is a symbolic link/
    );
  });

  it('refuses a manifest symbolic link leaving the root', async () => {
    const spec: ContainerSpec = { files: [], symlinks: [{ path: '/x', target: '../../etc/passwd' }] };
    // Without the tar's own root/x, which would be refused first: the manifest alone decides what is built.
    const members = containerMembers(spec).filter((m) => m.name !== 'root/x');
    const leaves = /entry "\/x" is a symbolic link to "..\/..\/etc\/passwd", which leaves/;
    await expectRefused(await rawArchive(members), 'manifest.json', leaves);
  });

  it('refuses another manifest format', async () => {
    const spec: ContainerSpec = { files: [], editManifest: (m) => ((m as { format: string }).format = '2') };
    await expectRefused(await rawArchive(containerMembers(spec)), 'manifest.json', /unsupported format "2"/);
  });

  it('refuses members outside the format and duplicates', async () => {
    const script = await rawArchive(withExtra({ name: 'run.sh', type: '0', content: 'rm -rf ~' }));
    await expectRefused(script, 'run.sh', /not part of the container format/);
    await expectRefused(
      await rawArchive(withExtra({ name: 'notebook.ipynb', type: '0', content: '{}' })),
      'notebook.ipynb',
      /appears twice/
    );
  });

  it('refuses an archive without a manifest or notebook', async () => {
    const members = valid().filter((m) => m.name !== 'notebook.ipynb');
    await expectRefused(await rawArchive(members), 'notebook.ipynb', /has no notebook.ipynb/);
  });

  it('refuses a truncated archive, naming the member being read', async () => {
    const big = Buffer.alloc(512 * 1024);
    for (let i = 0; i < big.length; i++) {
      big[i] = (i * 7919) % 251; // not very compressible, so half the file ends inside this member
    }
    const archive = await validArchive({ files: [{ path: '/data/big.bin', content: big }] });
    const bytes = readFileSync(archive);
    await fs.writeFile(archive, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectRefused(archive, blobPath(sha256(big)), /truncated or corrupt \(gzip: unexpected end of file\), while reading member/);
  });

  it('refuses a tar without its end-of-archive marker', async () => {
    const tarBytes = rawTar(valid());
    const archive = join(await fresh('raw'), 'cut.tar.gz');
    await fs.writeFile(archive, gzipSync(tarBytes.subarray(0, tarBytes.length - 1024)));
    await expectRefused(archive, undefined, /no end-of-archive marker/);
  });

  it('refuses a tar whose data ends inside a member', async () => {
    const tarBytes = rawTar(valid());
    const archive = join(await fresh('raw'), 'short.tar.gz');
    await fs.writeFile(archive, gzipSync(tarBytes.subarray(0, 512 + 100)));
    await expectRefused(archive, undefined, /truncated or corrupt \(tar: .*Truncated input/);
  });

  it('refuses a header with a bad checksum', async () => {
    const tarBytes = rawTar(valid());
    tarBytes[0] = 'X'.charCodeAt(0); // manifest.json -> Xanifest.json without fixing the checksum
    const archive = join(await fresh('raw'), 'sum.tar.gz');
    await fs.writeFile(archive, gzipSync(tarBytes));
    await expectRefused(archive, undefined, /truncated or corrupt \(tar: .*checksum/);
  });

  it('refuses files that are not gzip or not there', async () => {
    const plain = join(await fresh('raw'), 'plain.tar');
    await fs.writeFile(plain, rawTar(valid()));
    await expectRefused(plain, undefined, /not a gzip-compressed archive/);
    await expectRefused(join(scratch, 'missing.tar.gz'), undefined, /cannot read the archive/);
  });
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
