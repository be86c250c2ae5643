/**
 * Test helper: builds container archives (docs/container.md) from a small spec,
 * either as a real tree packed by node-tar (what a packer would write) or as raw
 * tar members written here byte by byte, so tests can add the malicious members no
 * well-behaved tar writer would produce.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { blobPath, relativeInsideRoot } from '../../../core/container/manifest';
import type { Manifest, ManifestEntry } from '../../../core/contract/manifest';

export interface SpecFile {
  path: string;
  content: string | Buffer;
  mode?: number;
  mtime?: number;
}

export interface SpecSymlink {
  path: string;
  target: string;
  mtime?: number;
}

export interface SpecFolder {
  path: string;
  mode?: number;
  mtime?: number;
}

export interface ContainerSpec {
  files: SpecFile[];
  symlinks?: SpecSymlink[];
  folders?: SpecFolder[];
  notebook?: string;
  provenance?: Record<string, string>;
  /** Change the manifest after it is derived from the spec (to make it wrong on purpose). */
  editManifest?: (manifest: Manifest) => void;
}

export const sha256 = (content: string | Buffer): string => 'sha256:' + createHash('sha256').update(content).digest('hex');

/** The manifest a packer would write for the spec (mtime keys left undefined vanish in JSON). */
export function manifestFor(spec: ContainerSpec): Manifest {
  const entries: ManifestEntry[] = [];
  for (const folder of spec.folders ?? []) {
    entries.push({ path: folder.path, kind: 'directory', mode: folder.mode ?? 0o755, role: 'system', mtime: folder.mtime });
  }
  for (const file of spec.files) {
    entries.push({
      path: file.path,
      kind: 'file',
      hash: sha256(file.content),
      size: Buffer.byteLength(file.content),
      mode: file.mode ?? 0o644,
      role: 'user',
      first_cell: { seq: 1, cell_id: 'c1' },
      mtime: file.mtime
    });
  }
  for (const link of spec.symlinks ?? []) {
    entries.push({ path: link.path, kind: 'symlink', target: link.target, mode: 0o777, role: 'system', mtime: link.mtime });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = {
    format: '1',
    created_at: '2026-01-02T03:04:05Z',
    notebook: '/home/ada/work/analysis.ipynb',
    uname: { sysname: 'Linux', release: '6.1.0', version: '#1 SMP', machine: 'x86_64' },
    cwd: '/home/ada/work',
    environment: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    environment_removed: ['AWS_SECRET_ACCESS_KEY'],
    entries,
    left_out: [{ path: '/home/ada/.netrc', reason: 'secret', rule: 'credentials file' }],
    blobs: new Set(spec.files.map(f => sha256(f.content))).size
  };
  spec.editManifest?.(manifest);
  return manifest;
}

const DEFAULT_NOTEBOOK = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });

/** Write the container's tree (blobs, and root/ with hard links and symbolic links) under `dir`. */
export async function writeContainerTree(dir: string, spec: ContainerSpec): Promise<Manifest> {
  const manifest = manifestFor(spec);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await fs.writeFile(join(dir, 'notebook.ipynb'), spec.notebook ?? DEFAULT_NOTEBOOK);
  await fs.writeFile(join(dir, 'deps.json'), JSON.stringify({ python: [] }));
  for (const [name, text] of Object.entries(spec.provenance ?? { 'session.json': '{"cwd":"/home/ada/work"}' })) {
    await fs.mkdir(dirname(join(dir, 'provenance', name)), { recursive: true });
    await fs.writeFile(join(dir, 'provenance', name), text);
  }
  for (const folder of spec.folders ?? []) {
    await fs.mkdir(join(dir, 'root', relativeInsideRoot(folder.path)), { recursive: true });
  }
  for (const file of spec.files) {
    const blob = join(dir, blobPath(sha256(file.content)));
    await fs.mkdir(dirname(blob), { recursive: true });
    await fs.writeFile(blob, file.content); // same content again when shared: harmless
    const at = join(dir, 'root', relativeInsideRoot(file.path));
    await fs.mkdir(dirname(at), { recursive: true });
    await fs.link(blob, at);
  }
  for (const link of spec.symlinks ?? []) {
    const at = join(dir, 'root', relativeInsideRoot(link.path));
    await fs.mkdir(dirname(at), { recursive: true });
    await fs.symlink(link.target, at);
  }
  return manifest;
}

/** Relative paths under `dir/name`, depth first, folders before their content, sorted. */
async function listDepthFirst(dir: string, name: string): Promise<string[]> {
  const out = [name];
  const stat = await fs.lstat(join(dir, name));
  if (stat.isDirectory()) {
    for (const child of (await fs.readdir(join(dir, name))).sort()) {
      out.push(...(await listDepthFirst(dir, `${name}/${child}`)));
    }
  }
  return out;
}

/**
 * Pack a container tree into a .tar.gz with node-tar. Members are listed one by one
 * (node-tar walks folders breadth first) so every blob comes before root/, and the
 * root/ files that share a blob's inode are written as hard links to it.
 */
export async function packTree(dir: string, archive: string): Promise<void> {
  const members: string[] = [];
  for (const top of ['manifest.json', 'notebook.ipynb', 'deps.json', 'provenance', 'blobs', 'root']) {
    members.push(...(await listDepthFirst(dir, top)));
  }
  // jobs: 1 because node-tar 7.5 packing hard links in parallel with gzip intermittently
  // fails (Z_STREAM_ERROR from the gzip stream being ended twice) or hangs.
  await tar.c({ gzip: true, cwd: dir, portable: true, file: archive, noDirRecurse: true, jobs: 1 }, members);
}

// ---------------------------------------------------------------------------
// Raw tar, written by hand

/**
 * One raw tar member: `type` is the ustar type flag
 * ('0' file, '1' hard link, '2' symlink, '3' char device, '5' folder, '6' FIFO).
 */
export interface RawMember {
  name: string;
  type: string;
  content?: string | Buffer;
  linkpath?: string;
  mode?: number;
}

function writeField(block: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) {
    throw new Error(`tar field too long: ${text}`);
  }
  bytes.copy(block, offset);
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** A 512-byte ustar header with its checksum. */
export function ustarHeader(member: RawMember, size: number): Buffer {
  const block = Buffer.alloc(512);
  writeField(block, 0, 100, member.name);
  writeField(block, 100, 8, octal(member.mode ?? (member.type === '5' ? 0o755 : 0o644), 8));
  writeField(block, 108, 8, octal(0, 8));
  writeField(block, 116, 8, octal(0, 8));
  writeField(block, 124, 12, octal(size, 12));
  writeField(block, 136, 12, octal(1_700_000_000, 12));
  writeField(block, 148, 8, '        '); // checksum counted as spaces
  writeField(block, 156, 1, member.type);
  writeField(block, 157, 100, member.linkpath ?? '');
  writeField(block, 257, 6, 'ustar\0');
  writeField(block, 263, 2, '00');
  let sum = 0;
  for (const byte of block) {
    sum += byte;
  }
  writeField(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/** An uncompressed tar of the members, with the end-of-archive marker. */
export function rawTar(members: RawMember[]): Buffer {
  const parts: Buffer[] = [];
  for (const member of members) {
    const body = member.content === undefined ? Buffer.alloc(0) : Buffer.from(member.content);
    parts.push(ustarHeader(member, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const rawTarGz = (members: RawMember[]): Buffer => gzipSync(rawTar(members));

/** The members of a valid container for the spec, in packing order (blobs before root/). */
export function containerMembers(spec: ContainerSpec): RawMember[] {
  const manifest = manifestFor(spec);
  const members: RawMember[] = [
    { name: 'manifest.json', type: '0', content: JSON.stringify(manifest) },
    { name: 'notebook.ipynb', type: '0', content: spec.notebook ?? DEFAULT_NOTEBOOK },
    { name: 'deps.json', type: '0', content: '{}' },
    { name: 'provenance/', type: '5' },
    { name: 'provenance/session.json', type: '0', content: '{}' },
    { name: 'blobs/', type: '5' }
  ];
  const written = new Set<string>();
  for (const file of spec.files) {
    const name = blobPath(sha256(file.content));
    if (!written.has(name)) {
      written.add(name);
      members.push({ name, type: '0', content: file.content });
    }
  }
  members.push({ name: 'root/', type: '5' });
  for (const file of spec.files) {
    members.push({ name: 'root/' + relativeInsideRoot(file.path), type: '1', linkpath: blobPath(sha256(file.content)) });
  }
  for (const link of spec.symlinks ?? []) {
    members.push({ name: 'root/' + relativeInsideRoot(link.path), type: '2', linkpath: link.target });
  }
  return members;
}
