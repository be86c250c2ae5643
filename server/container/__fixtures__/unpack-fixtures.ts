/**
 * What the unpacker's tests share: a scratch folder, a small but complete container
 * spec, and builders of valid and hand-made archives. Test support only.
 */
import { promises as fs, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { packTree, rawTarGz, writeContainerTree, type ContainerSpec, type RawMember } from './archive-builder';
import { ContainerError, openContainer } from '../unpack';

let scratch: string;
let counter = 0;

/** A private scratch folder for the test file, removed after it. */
export function useScratch(): void {
  beforeAll(async () => {
    scratch = await fs.mkdtemp(join(tmpdir(), 'retrace-unpack-'));
  });
  afterAll(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
  });
}

export const scratchDir = (): string => scratch;

export const fresh = async (name: string): Promise<string> => {
  const dir = join(scratch, `${name}-${++counter}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
};

export const PYTHON = '#!/usr/bin/python3\nprint("hi")\n';
export const LIB = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]);
export const DATA = 'a,b\n1,2\n';

/** A small but complete container: a merged-/usr symlink, absolute and relative links, shared content. */
export const SPEC: ContainerSpec = {
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

export async function validArchive(spec: ContainerSpec = SPEC): Promise<string> {
  const dir = await fresh('tree');
  await writeContainerTree(join(dir, 'tree'), spec);
  const archive = join(dir, 'analysis.retrace.tar.gz');
  await packTree(join(dir, 'tree'), archive);
  return archive;
}

export async function rawArchive(members: RawMember[], name = 'raw.retrace.tar.gz'): Promise<string> {
  const dir = await fresh('raw');
  const archive = join(dir, name);
  await fs.writeFile(archive, rawTarGz(members));
  return archive;
}

/** Open must fail with a ContainerError naming the archive and the member, and leave no trace in the cache. */
export async function expectRefused(archive: string, member: string | undefined, message: RegExp): Promise<ContainerError> {
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
  expect(readdirSync(cacheRoot).filter(n => n !== 'index.json')).toEqual([]);
  return containerError;
}
