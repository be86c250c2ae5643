/** Archives the unpacker must refuse, naming the member, leaving nothing in the cache (docs/container.md, "Reading an archive safely"). */
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { blobPath } from '../../core/container/manifest';
import { containerMembers, rawTar, sha256, type ContainerSpec, type RawMember } from './__fixtures__/archive-builder';
import { expectRefused, fresh, LIB, PYTHON, rawArchive, scratchDir, SPEC, useScratch, validArchive } from './__fixtures__/unpack-fixtures';

useScratch();

describe('malicious and broken archives', () => {
  const valid = () => containerMembers(SPEC);
  const withExtra = (...extra: RawMember[]) => [...valid().slice(0, -1), ...extra, ...valid().slice(-1)];

  it('refuses a member climbing out with ".."', async () => {
    const archive = await rawArchive(withExtra({ name: '../evil', type: '0', content: 'x' }));
    await expectRefused(archive, '../evil', /"\.\.\/evil" climbs out/);
    expect(readdirSync(scratchDir())).not.toContain('evil');
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
    const blob = members.find(m => m.name === blobName)!;
    blob.content = PYTHON.replace('hi', 'ha');
    await expectRefused(await rawArchive(members), blobName, /content hashing to sha256:[0-9a-f]{64}, not to its name/);
  });

  it('refuses a manifest whose blob is missing', async () => {
    const blobName = blobPath(sha256(LIB));
    const members = valid().filter(m => m.name !== blobName && m.linkpath !== blobName);
    await expectRefused(await rawArchive(members), blobName, /manifest entry "\/usr\/lib\/libz.so.1" needs the blob/);
  });

  it("refuses a manifest entry whose size is not its blob's", async () => {
    const spec: ContainerSpec = {
      files: [{ path: '/usr/bin/python3.11', content: PYTHON }],
      editManifest: m => void (m.entries[0].size = 1)
    };
    await expectRefused(await rawArchive(containerMembers(spec)), blobPath(sha256(PYTHON)), /says 1 bytes but its blob/);
  });

  it('refuses a manifest entry below a symbolic link', async () => {
    const spec: ContainerSpec = {
      files: [{ path: '/usr/bin/python3.11', content: PYTHON }],
      symlinks: [{ path: '/bin', target: 'usr/bin' }],
      editManifest: m => {
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
    const members = containerMembers(spec).filter(m => m.name !== 'root/x');
    const leaves = /entry "\/x" is a symbolic link to "..\/..\/etc\/passwd", which leaves/;
    await expectRefused(await rawArchive(members), 'manifest.json', leaves);
  });

  it('refuses another manifest format', async () => {
    const spec: ContainerSpec = { files: [], editManifest: m => ((m as { format: string }).format = '2') };
    await expectRefused(await rawArchive(containerMembers(spec)), 'manifest.json', /unsupported format "2"/);
  });

  it('refuses members outside the format and duplicates', async () => {
    const script = await rawArchive(withExtra({ name: 'run.sh', type: '0', content: 'rm -rf ~' }));
    await expectRefused(script, 'run.sh', /not part of the container format/);
    await expectRefused(await rawArchive(withExtra({ name: 'notebook.ipynb', type: '0', content: '{}' })), 'notebook.ipynb', /appears twice/);
  });

  it('refuses an archive without a manifest or notebook', async () => {
    const members = valid().filter(m => m.name !== 'notebook.ipynb');
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
    await expectRefused(join(scratchDir(), 'missing.tar.gz'), undefined, /cannot read the archive/);
  });
});
