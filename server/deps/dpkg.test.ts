import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dpkgOwners, dpkgVersions, parseDpkgSearch, parseDpkgVersions, usrSwapped } from './dpkg';

const dir = mkdtempSync(join(tmpdir(), 'retrace-dpkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in dpkg-query that knows two files under their /usr-less names, logs each
 * call's arguments and exits 1 when something was not found, as the real one does.
 */
const fake = join(dir, 'dpkg-query');
const calls = join(dir, 'calls.log');
writeFileSync(
  fake,
  `#!/bin/sh
echo "$@" >> ${calls}
if [ "$1" = "--show" ]; then
  shift 3
  status=0
  for p in "$@"; do
    case "$p" in
      libc6) printf 'libc6\\t2.36-9\\n' ;;
      gzip) printf 'gzip\\t1.12-1\\n' ;;
      *) echo "dpkg-query: no packages found matching $p" >&2; status=1 ;;
    esac
  done
  exit $status
fi
shift 2
status=0
for p in "$@"; do
  case "$p" in
    /lib/x86_64-linux-gnu/libc.so.6) echo "libc6:amd64: $p" ;;
    /bin/gzip) echo "gzip: $p" ;;
    /bin/sh) echo "diversion by dash from: /bin/sh"; echo "diversion by dash to: /bin/sh.distrib"; echo "dash: /bin/sh" ;;
    *) echo "dpkg-query: no path found matching pattern $p" >&2; status=1 ;;
  esac
done
exit $status
`
);
chmodSync(fake, 0o755);

describe('usrSwapped', () => {
  it('swaps the merged-/usr folders and nothing else', () => {
    expect(usrSwapped('/bin/gzip')).toBe('/usr/bin/gzip');
    expect(usrSwapped('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('/lib/x86_64-linux-gnu/libc.so.6');
    expect(usrSwapped('/usr/share/doc/x')).toBeUndefined();
    expect(usrSwapped('/etc/hosts')).toBeUndefined();
    expect(usrSwapped('/library/x')).toBeUndefined();
  });
});

describe('parseDpkgSearch', () => {
  it('reads owners, dropping arch qualifiers and diversion lines', () => {
    const out = parseDpkgSearch(
      'libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6\ndiversion by dash from: /bin/sh\ndiversion by dash to: /bin/sh.distrib\ndash: /bin/sh\nlibc6:amd64, libc6:i386: /usr/share/doc/libc6/copyright\n'
    );
    expect(out).toEqual(
      new Map([
        ['/lib/x86_64-linux-gnu/libc.so.6', ['libc6']],
        ['/bin/sh', ['dash']],
        ['/usr/share/doc/libc6/copyright', ['libc6']]
      ])
    );
  });
});

describe('parseDpkgVersions', () => {
  it('reads tab-separated package and version lines', () => {
    expect(parseDpkgVersions('gzip\t1.12-1\nlibc6:amd64\t2.36-9\nremoved\t\n')).toEqual(
      new Map([
        ['gzip', '1.12-1'],
        ['libc6', '2.36-9']
      ])
    );
  });
});

describe('dpkgOwners', () => {
  it('batches paths, tolerates exit 1 and finds files by their /usr-swapped name', async () => {
    rmSync(calls, { force: true });
    const { available, owners } = await dpkgOwners(['/usr/lib/x86_64-linux-gnu/libc.so.6', '/bin/gzip', '/bin/sh', '/opt/x', 'relative', '/weird*glob'], {
      dpkgQuery: fake,
      batchSize: 2
    });
    expect(available).toBe(true);
    // Four valid paths in batches of two, then one more call for the /usr-swapped and real names.
    expect(
      readFileSync(calls, 'utf8')
        .trim()
        .split('\n')
        .map(line => line.split(' ').length - 2)
    ).toEqual([2, 2, expect.any(Number)]);
    expect(owners).toEqual(
      new Map([
        ['/bin/gzip', 'gzip'],
        ['/bin/sh', 'dash'],
        ['/usr/lib/x86_64-linux-gnu/libc.so.6', 'libc6']
      ])
    );
  });

  it('reports no database when dpkg-query is absent', async () => {
    const result = await dpkgOwners(['/bin/gzip'], { dpkgQuery: join(dir, 'no-such-dpkg-query') });
    expect(result).toEqual({ available: false, owners: new Map() });
  });
});

describe('dpkgVersions', () => {
  it('gives versions of installed packages and leaves others out', async () => {
    expect(await dpkgVersions(['gzip', 'libc6', 'nope'], { dpkgQuery: fake })).toEqual(
      new Map([
        ['gzip', '1.12-1'],
        ['libc6', '2.36-9']
      ])
    );
  });
});
