import { describe, expect, it } from 'vitest';
import { assertMemberName, blobPath, isContentHash, ManifestBuilder, relativeInsideRoot, validateMemberName } from './manifest';
import { MANIFEST_FORMAT_VERSION, type ManifestEntry } from '../contract/manifest';

const H1 = 'sha256:' + 'ab' + 'c'.repeat(62);
const H2 = 'sha256:' + '01' + 'f'.repeat(62);

function file(path: string, hash: string, seq?: number, extra: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    path,
    kind: 'file',
    hash,
    size: 10,
    mode: 0o644,
    role: 'user',
    ...(seq === undefined ? {} : { first_cell: { seq, cell_id: `c${seq}` } }),
    ...extra
  };
}

describe('blobPath', () => {
  it('fans out on the first two hex digits', () => {
    expect(blobPath(H1)).toBe('blobs/sha256/ab/' + 'c'.repeat(62));
    expect(blobPath(H2)).toBe('blobs/sha256/01/' + 'f'.repeat(62));
    expect(validateMemberName(blobPath(H1))).toBeNull();
  });

  it('rejects anything that is not a sha256 content hash', () => {
    expect(() => blobPath('sha256:abc')).toThrow(/not a content hash/);
    expect(() => blobPath('sha256:' + 'A'.repeat(64))).toThrow(/not a content hash/);
    expect(() => blobPath('md5:' + 'a'.repeat(64))).toThrow(/not a content hash/);
    expect(() => blobPath('sha256:../../' + 'a'.repeat(58))).toThrow(/not a content hash/);
  });

  it('isContentHash agrees', () => {
    expect(isContentHash(H1)).toBe(true);
    expect(isContentHash(H1 + '0')).toBe(false);
  });
});

describe('relativeInsideRoot', () => {
  it('drops the leading slash', () => {
    expect(relativeInsideRoot('/usr/lib/x.so')).toBe('usr/lib/x.so');
    expect(relativeInsideRoot('/home/a/work/data.csv')).toBe('home/a/work/data.csv');
    expect(relativeInsideRoot('/')).toBe('');
  });

  it('never escapes the root', () => {
    expect(relativeInsideRoot('/../../etc/passwd')).toBe('etc/passwd');
    expect(relativeInsideRoot('/a/../../b')).toBe('b');
    expect(relativeInsideRoot('/a//b/./c')).toBe('a/b/c');
    for (const p of ['/../x', '/a/../../../b', '/./..']) {
      const rel = relativeInsideRoot(p);
      expect(rel === '' || validateMemberName(rel) === null).toBe(true);
    }
  });

  it('refuses relative paths and NUL bytes', () => {
    expect(() => relativeInsideRoot('etc/passwd')).toThrow(/not an absolute path/);
    expect(() => relativeInsideRoot('/a\0b')).toThrow(/NUL/);
  });
});

describe('validateMemberName', () => {
  it.each(['manifest.json', 'root/usr/bin/python3', 'blobs/sha256/ab/cd', 'root/home/a/', 'root/a..b/.hidden'])('accepts %s', name => {
    expect(validateMemberName(name)).toBeNull();
  });

  it.each([
    ['../x', /"\.\.\/x" climbs out/],
    ['/etc/passwd', /"\/etc\/passwd" is an absolute path/],
    ['a/../../b', /"a\/\.\.\/\.\.\/b" climbs out/],
    ['a/..', /climbs out/],
    ['a//b', /"a\/\/b" has an empty path segment/],
    ['a\\b', /backslash/],
    ['..\\x', /backslash/],
    ['a/./b', /"\." segment/],
    ['a\0b', /NUL/],
    ['', /empty name/]
  ])('rejects %j', (name, message) => {
    expect(validateMemberName(name)).toMatch(message);
    expect(() => assertMemberName(name)).toThrow(message);
  });

  it('names the member in the message', () => {
    expect(validateMemberName('root/../../etc/shadow')).toContain('"root/../../etc/shadow"');
  });
});

describe('ManifestBuilder', () => {
  it('deduplicates by original path, keeping the first cell', () => {
    const b = new ManifestBuilder();
    expect(b.addEntry(file('/w/data.csv', H1, 2))).toBe(true);
    expect(b.addEntry(file('/w/data.csv', H1, 5))).toBe(false);
    expect(b.addEntry(file('/w//data.csv', H1, 7))).toBe(false);
    expect(b.getEntries()).toHaveLength(1);
    expect(b.getEntries()[0].first_cell).toEqual({ seq: 2, cell_id: 'c2' });
  });

  it('lets an earlier cell added later win whole, with the content it saw', () => {
    const b = new ManifestBuilder();
    b.addEntry(file('/w/out.csv', H2, 4));
    b.addEntry(file('/w/out.csv', H1, 1));
    expect(b.getEntries()[0]).toMatchObject({ hash: H1, first_cell: { seq: 1, cell_id: 'c1' } });
  });

  it('keeps the first added on a tie and ranks kernel start-up before every cell', () => {
    const b = new ManifestBuilder();
    b.addEntry(file('/w/a', H1, 3));
    b.addEntry(file('/w/a', H2, 3));
    b.addEntry(file('/usr/lib/libc.so.6', H1, 3, { role: 'system' }));
    b.addEntry(file('/usr/lib/libc.so.6', H1, undefined, { role: 'system' }));
    b.addEntry(file('/usr/lib/libc.so.6', H1, 0, { role: 'system' }));
    const [a, libc] = b.getEntries().sort((x, y) => x.path.length - y.path.length);
    expect(a.hash).toBe(H1);
    expect(libc.first_cell).toBeUndefined();
  });

  it('counts distinct blobs, not entries', () => {
    const b = new ManifestBuilder();
    b.addEntry(file('/w/a', H1, 1));
    b.addEntry(file('/w/copy-of-a', H1, 1));
    b.addEntry(file('/w/b', H2, 2));
    b.addEntry({ path: '/w', kind: 'directory', mode: 0o755, role: 'user', first_cell: { seq: 1, cell_id: null } });
    b.addEntry({ path: '/usr/bin/python3', kind: 'symlink', target: 'python3.11', mode: 0o777, role: 'executable' });
    expect(b.blobHashes()).toEqual([H2, H1]);
    const m = b.build({
      created_at: '2025-01-31T09:12:03.512Z',
      notebook: '/w/nb.ipynb',
      uname: { sysname: 'Linux', release: '6.1', version: '#1', machine: 'x86_64' },
      cwd: '/w',
      environment: { PATH: '/usr/bin' },
      environment_removed: ['GITHUB_TOKEN']
    });
    expect(m.format).toBe(MANIFEST_FORMAT_VERSION);
    expect(m.blobs).toBe(2);
    expect(m.entries.map(e => e.path)).toEqual(['/usr/bin/python3', '/w', '/w/a', '/w/b', '/w/copy-of-a']);
    expect(m.left_out).toEqual([]);
  });

  it('requires a content hash on files and absolute paths', () => {
    const b = new ManifestBuilder();
    expect(() => b.addEntry({ path: '/w/a', kind: 'file', mode: 0o644, role: 'user' })).toThrow(/needs a content hash/);
    expect(() => b.addEntry(file('/w/a', 'sha256:xyz'))).toThrow(/needs a content hash/);
    expect(() => b.addEntry(file('w/a', H1))).toThrow(/must be absolute/);
  });

  it('keeps a left-out path out even when an entry for it comes later, with the earliest cell', () => {
    const b = new ManifestBuilder();
    expect(b.addLeftOut({ path: '/h/.netrc', reason: 'secret', rule: 'login credentials (~/.netrc)', first_cell: { seq: 3, cell_id: 'c3' } })).toBe(true);
    expect(b.addEntry(file('/h/.netrc', H1, 1))).toBe(false);
    expect(b.getEntries()).toEqual([]);
    expect(b.getLeftOut()).toEqual([{ path: '/h/.netrc', reason: 'secret', rule: 'login credentials (~/.netrc)', first_cell: { seq: 1, cell_id: 'c1' } }]);
    expect(b.blobHashes()).toEqual([]);
  });

  it('turns an existing entry into a left-out path, dropping its blob', () => {
    const b = new ManifestBuilder();
    b.addEntry(file('/h/.aws/credentials', H1, 2));
    b.addLeftOut({ path: '/h/.aws/credentials', reason: 'secret', rule: 'AWS credentials (~/.aws)', first_cell: { seq: 4, cell_id: 'c4' } });
    expect(b.getEntries()).toEqual([]);
    expect(b.blobHashes()).toEqual([]);
    expect(b.getLeftOut()[0].first_cell).toEqual({ seq: 2, cell_id: 'c2' });
    expect(b.has('/h/.aws/credentials')).toBe(true);
    expect(b.has('/h/.aws/config')).toBe(false);
  });

  it('deduplicates left-out paths and records too-large files with hash and size', () => {
    const b = new ManifestBuilder();
    b.addLeftOut({ path: '/d/big.bin', reason: 'too-large', rule: 'over the 1 GiB limit', size: 2 ** 31, hash: H2, first_cell: { seq: 5, cell_id: 'c5' } });
    expect(b.addLeftOut({ path: '/d/big.bin', reason: 'too-large', rule: 'over the 1 GiB limit', first_cell: { seq: 2, cell_id: 'c2' } })).toBe(false);
    expect(b.getLeftOut()).toEqual([
      { path: '/d/big.bin', reason: 'too-large', rule: 'over the 1 GiB limit', size: 2 ** 31, hash: H2, first_cell: { seq: 2, cell_id: 'c2' } }
    ]);
  });

  it('does not share entry objects with the caller', () => {
    const b = new ManifestBuilder();
    const e = file('/w/a', H1, 1);
    b.addEntry(e);
    e.path = '/elsewhere';
    expect(b.getEntries()[0].path).toBe('/w/a');
  });
});
