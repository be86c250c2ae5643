import { describe, expect, it } from 'vitest';
import {
  blobHashOfMember,
  checkManifest,
  fileModeToSet,
  folderModeToSet,
  missingBlobProblem,
  parseManifest,
  planMember,
  planRoot,
  resolveLinkInsideRoot,
  symlinkTargetProblem,
  type BlobsSeen,
  type MemberHeader
} from './archive-checks';
import { blobPath } from './manifest';
import type { Manifest, ManifestEntry } from '../contract/manifest';

const HEX = 'ab' + 'c'.repeat(62);
const HASH = `sha256:${HEX}`;
const BLOB = `blobs/sha256/ab/${'c'.repeat(62)}`;
const HASH2 = 'sha256:' + '01' + 'f'.repeat(62);

const none = new Set<string>();
const plan = (header: MemberHeader, seen: BlobsSeen = none) => planMember(header, seen);
const problemOf = (header: MemberHeader, seen: BlobsSeen = none): string => {
  const verdict = plan(header, seen);
  if (verdict.ok) {
    throw new Error(`expected ${header.name} to be refused`);
  }
  return verdict.problem;
};

function manifest(entries: Array<ManifestEntry>): Manifest {
  return {
    format: '1',
    created_at: '2026-01-01T00:00:00Z',
    notebook: '/w/n.ipynb',
    uname: { sysname: 'Linux', release: '6', version: '#1', machine: 'x86_64' },
    cwd: '/w',
    environment: {},
    environment_removed: [],
    entries,
    left_out: [],
    blobs: 1
  };
}

const file = (path: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path,
  kind: 'file',
  hash: HASH,
  size: 3,
  mode: 0o644,
  role: 'user',
  ...extra
});
const link = (path: string, target: string): ManifestEntry => ({ path, kind: 'symlink', target, mode: 0o777, role: 'system' });
const folder = (path: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path,
  kind: 'directory',
  mode: 0o755,
  role: 'system',
  ...extra
});

const problemOfManifest = (value: unknown): string => {
  const checked = checkManifest(value);
  if (checked.ok) {
    throw new Error('expected the manifest to be refused');
  }
  return checked.problem;
};

describe('resolveLinkInsideRoot', () => {
  it('maps absolute targets onto the container root', () => {
    expect(resolveLinkInsideRoot('bin', '/usr/bin')).toBe('usr/bin');
    expect(resolveLinkInsideRoot('usr/lib/x/libz.so', '/usr/lib/libz.so.1')).toBe('usr/lib/libz.so.1');
    expect(resolveLinkInsideRoot('a', '/')).toBe('');
  });

  it('resolves relative targets against the link folder', () => {
    expect(resolveLinkInsideRoot('bin', 'usr/bin')).toBe('usr/bin');
    expect(resolveLinkInsideRoot('usr/bin/python3', 'python3.11')).toBe('usr/bin/python3.11');
    expect(resolveLinkInsideRoot('usr/lib/a/b', '../../share/./x')).toBe('usr/share/x');
    expect(resolveLinkInsideRoot('usr/x', '..')).toBe('');
  });

  it('refuses targets that climb above the root', () => {
    expect(resolveLinkInsideRoot('x', '../../../etc/passwd')).toBeUndefined();
    expect(resolveLinkInsideRoot('usr/x', '../../etc')).toBeUndefined();
    expect(resolveLinkInsideRoot('usr/x', 'a/../../../etc')).toBeUndefined();
    expect(resolveLinkInsideRoot('x', '/../etc/passwd')).toBeUndefined();
  });

  it('explains refused targets', () => {
    expect(symlinkTargetProblem('archive member "root/x"', 'x', '../../../etc/passwd')).toMatch(
      /archive member "root\/x" is a symbolic link to "..\/..\/..\/etc\/passwd", which leaves/
    );
    expect(symlinkTargetProblem('m', 'x', '')).toMatch(/empty target/);
    expect(symlinkTargetProblem('m', 'x', 'a\0b')).toMatch(/NUL/);
    expect(symlinkTargetProblem('m', 'usr/x', '/usr/y')).toBeNull();
  });
});

describe('planMember', () => {
  it('extracts the top-level files, provenance and blobs', () => {
    const extract = (name: string) => ({ ok: true, value: { action: 'extract', name } });
    expect(plan({ name: 'manifest.json', type: 'File' })).toEqual(extract('manifest.json'));
    expect(plan({ name: 'notebook.ipynb', type: 'OldFile' })).toEqual(extract('notebook.ipynb'));
    expect(plan({ name: 'deps.json', type: 'File' }).ok).toBe(true);
    expect(plan({ name: 'provenance/cells/1.json', type: 'File' })).toEqual({
      ok: true,
      value: { action: 'extract', name: 'provenance/cells/1.json' }
    });
    expect(plan({ name: BLOB, type: 'File' })).toEqual({ ok: true, value: { action: 'extract-blob', name: BLOB, hash: HASH } });
  });

  it('accepts the format folders', () => {
    const folders = ['provenance/', 'provenance/cells/', 'blobs/', 'blobs/sha256/', 'blobs/sha256/ab/', 'root/', 'root/usr/'];
    for (const name of folders) {
      expect(plan({ name, type: 'Directory' }).ok, name).toBe(true);
    }
  });

  it('checks root/ members without extracting them', () => {
    expect(plan({ name: 'root/usr/bin/python3', type: 'File' })).toEqual({ ok: true, value: { action: 'skip-root' } });
    expect(plan({ name: 'root/usr/lib/x', type: 'Link', linkpath: BLOB }, new Set([BLOB]))).toEqual({
      ok: true,
      value: { action: 'skip-root' }
    });
    expect(plan({ name: 'root/bin', type: 'SymbolicLink', linkpath: 'usr/bin' }).ok).toBe(true);
    expect(plan({ name: 'root/usr/bin/py', type: 'SymbolicLink', linkpath: '/usr/bin/python3' }).ok).toBe(true);
  });

  it('refuses unsafe names', () => {
    expect(problemOf({ name: '../evil', type: 'File' })).toMatch(/"\.\.\/evil" climbs out/);
    expect(problemOf({ name: '/etc/evil', type: 'File' })).toMatch(/"\/etc\/evil" is an absolute path/);
    expect(problemOf({ name: 'root/a/../../x', type: 'File' })).toMatch(/climbs out/);
    expect(problemOf({ name: 'root\\x', type: 'File' })).toMatch(/backslash/);
  });

  it('refuses special files', () => {
    expect(problemOf({ name: 'root/dev/null', type: 'CharacterDevice' })).toMatch(/"root\/dev\/null" is a character device/);
    expect(problemOf({ name: 'root/dev/sda', type: 'BlockDevice' })).toMatch(/block device/);
    expect(problemOf({ name: 'root/tmp/fifo', type: 'FIFO' })).toMatch(/FIFO/);
    expect(problemOf({ name: 'root/x', type: 'ContiguousFile' })).toMatch(/unsupported type "ContiguousFile"/);
    expect(problemOf({ name: 'root/x', type: 'Unsupported' })).toMatch(/unsupported type/);
  });

  it('refuses links that escape or point anywhere but an earlier blob', () => {
    expect(problemOf({ name: 'root/x', type: 'SymbolicLink', linkpath: '../../../etc/passwd' })).toMatch(
      /archive member "root\/x" is a symbolic link to "..\/..\/..\/etc\/passwd", which leaves the container's root\//
    );
    expect(problemOf({ name: 'root/x', type: 'Link', linkpath: 'manifest.json' })).toMatch(/hard link to "manifest.json"; hard links may only point to a blob/);
    expect(problemOf({ name: 'root/x', type: 'Link', linkpath: '../../etc/passwd' })).toMatch(/only point to a blob/);
    expect(problemOf({ name: 'root/x', type: 'Link', linkpath: BLOB })).toMatch(/comes later or not at all/);
    expect(problemOf({ name: 'provenance/x', type: 'SymbolicLink', linkpath: 'y' })).toMatch(/symbolic link outside root/);
    expect(problemOf({ name: 'deps.json', type: 'Link', linkpath: BLOB }, new Set([BLOB]))).toMatch(/hard link outside root/);
    expect(problemOf({ name: BLOB, type: 'Link', linkpath: 'root/x' })).toMatch(
      /is a hard link, but a blob must be a regular file stored before the root\/ links to it/
    );
  });

  it('refuses names outside the format and misplaced kinds', () => {
    expect(problemOf({ name: 'evil.sh', type: 'File' })).toMatch(/not part of the container format/);
    expect(problemOf({ name: 'blobs/sha256/ab/short', type: 'File' })).toMatch(/not named like a blob/);
    expect(problemOf({ name: `blobs/sha256/AB/${'C'.repeat(62)}`, type: 'File' })).toMatch(/not named like a blob/);
    expect(problemOf({ name: 'manifest.json/', type: 'Directory' })).toMatch(/must be a regular file/);
    expect(problemOf({ name: 'root', type: 'File' })).toMatch(/must be a folder/);
    expect(problemOf({ name: 'blobs/sha256', type: 'File' })).toMatch(/must be a folder/);
    expect(problemOf({ name: 'root/x/', type: 'SymbolicLink', linkpath: 'y' })).toMatch(/ends with "\/" but is not a folder/);
  });

  it('reads blob names', () => {
    expect(blobHashOfMember(BLOB)).toBe(HASH);
    expect(blobHashOfMember(blobPath(HASH2))).toBe(HASH2);
    expect(blobHashOfMember('blobs/sha256/ab/cd')).toBeUndefined();
  });
});

describe('checkManifest', () => {
  it('accepts a well-formed manifest', () => {
    const value = manifest([folder('/'), folder('/usr'), link('/bin', 'usr/bin'), file('/usr/bin/x', { mtime: 1.5 })]);
    expect(checkManifest(value)).toEqual({ ok: true, value });
    expect(parseManifest(JSON.stringify(value))).toEqual({ ok: true, value });
  });

  it('refuses other formats and broken shapes', () => {
    expect(problemOfManifest({ ...manifest([]), format: '2' })).toMatch(/unsupported format "2"/);
    expect(problemOfManifest([])).toMatch(/not a JSON object/);
    expect(problemOfManifest({ ...manifest([]), entries: {} })).toMatch(/"entries" must be a list/);
    expect(problemOfManifest({ ...manifest([]), environment: { A: 1 } })).toMatch(/environment/);
    expect(problemOfManifest({ ...manifest([]), uname: {} })).toMatch(/uname/);
    expect(problemOfManifest({ ...manifest([]), left_out: [{ path: '/x' }] })).toMatch(/left_out 0/);
    const parsed = parseManifest('{"format": "1",');
    expect(parsed.ok ? '' : parsed.problem).toMatch(/manifest.json is not valid JSON/);
  });

  it('refuses paths that are not absolute and normalised', () => {
    expect(problemOfManifest(manifest([file('usr/x')]))).toMatch(/"usr\/x" is not absolute/);
    expect(problemOfManifest(manifest([file('/usr/../etc/x')]))).toMatch(/not normalised/);
    expect(problemOfManifest(manifest([file('/usr//x')]))).toMatch(/not normalised/);
    expect(problemOfManifest(manifest([file('/usr/x/')]))).toMatch(/not normalised/);
    expect(problemOfManifest(manifest([file('/')]))).toMatch(/entry "\/" must be a directory/);
  });

  it('refuses bad entries', () => {
    expect(problemOfManifest(manifest([file('/x', { hash: 'sha256:00' })]))).toMatch(/without a valid content hash/);
    expect(problemOfManifest(manifest([file('/x', { size: -1 })]))).toMatch(/invalid size/);
    expect(problemOfManifest(manifest([file('/x', { mode: 0o10000 })]))).toMatch(/invalid mode/);
    expect(problemOfManifest(manifest([file('/x', { kind: 'device' as 'file' })]))).toMatch(/unknown kind/);
    expect(problemOfManifest(manifest([file('/x', { role: 'other' as 'user' })]))).toMatch(/unknown role/);
    expect(problemOfManifest(manifest([file('/x', { mtime: Number.NaN })]))).toMatch(/invalid mtime/);
    expect(problemOfManifest(manifest([file('/x'), file('/x')]))).toMatch(/appears twice/);
  });

  it('refuses symbolic links leaving the root', () => {
    expect(problemOfManifest(manifest([link('/usr/x', '../../etc/passwd')]))).toMatch(
      /manifest.json: entry "\/usr\/x" is a symbolic link to "..\/..\/etc\/passwd", which leaves/
    );
  });

  it('refuses entries below a symbolic link or a file', () => {
    expect(problemOfManifest(manifest([link('/bin', 'usr/bin'), file('/bin/python3')]))).toMatch(
      /entry "\/bin\/python3" is below "\/bin", which the manifest says is a symbolic link/
    );
    expect(problemOfManifest(manifest([link('/a', '/b'), folder('/a/b/c')]))).toMatch(/below "\/a"/);
    expect(problemOfManifest(manifest([file('/a'), file('/a/b')]))).toMatch(/below "\/a", which the manifest says is a file/);
  });

  it('names the first missing blob, or one whose size disagrees', () => {
    const m = manifest([file('/x'), file('/y', { hash: HASH2 })]);
    expect(
      missingBlobProblem(
        m,
        new Map([
          [BLOB, 3],
          [blobPath(HASH2), 3]
        ])
      )
    ).toBeNull();
    expect(missingBlobProblem(m, new Map([[BLOB, 3]]))).toEqual({
      member: blobPath(HASH2),
      problem: `manifest entry "/y" needs the blob "${blobPath(HASH2)}", which is not in the archive`
    });
    expect(
      missingBlobProblem(
        m,
        new Map([
          [BLOB, 4],
          [blobPath(HASH2), 3]
        ])
      )?.problem
    ).toBe(`manifest entry "/x" says 3 bytes but its blob "${BLOB}" has 4`);
  });
});

describe('planRoot', () => {
  it('groups files by content, mode and time, and orders folders shallow first', () => {
    const plan = planRoot(
      manifest([
        folder('/a/b', { mtime: 5 }),
        folder('/'),
        folder('/a', { mode: 0o500 }),
        file('/a/one', { mode: 0o4755 }),
        file('/a/two', { mode: 0o755 }),
        file('/a/three', { mode: 0o644 }),
        file('/a/four', { hash: HASH2 }),
        link('/l', 'a')
      ])
    );
    expect(plan.folders.map(f => f.path)).toEqual(['', 'a', 'a/b']);
    expect(plan.folders[1].mode).toBe(0o700); // owner always keeps rwx on folders
    expect(plan.folders[2].mtime).toBe(5);
    expect(plan.files).toEqual([
      { hash: HASH, blob: BLOB, mode: 0o755, mtime: undefined, paths: ['a/one', 'a/two'], usesBlobInode: true },
      { hash: HASH, blob: BLOB, mode: 0o644, mtime: undefined, paths: ['a/three'], usesBlobInode: false },
      { hash: HASH2, blob: blobPath(HASH2), mode: 0o644, mtime: undefined, paths: ['a/four'], usesBlobInode: true }
    ]);
    expect(plan.symlinks).toEqual([{ path: 'l', target: 'a', mtime: undefined }]);
  });

  it('drops set-ID bits and keeps the sticky bit on folders', () => {
    expect(fileModeToSet(0o6755)).toBe(0o755);
    expect(folderModeToSet(0o1777)).toBe(0o1777);
    expect(folderModeToSet(0o2555)).toBe(0o755);
  });
});
