/**
 * Opens a notebook container for the repeat feature: checks it member by member
 * (core/container/archive-checks.ts), writes its regular files into a
 * private temporary folder, builds `root/` from the manifest, and renames the
 * result into the cache `<cacheRoot>/<sha256 of the archive>/`. Concurrent opens of
 * one archive, in this process or others, each build their own folder; the first
 * rename wins and the others use it, so nobody ever sees half a cache entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { missingBlobProblem, parseManifest, planMember, planRoot } from '../../core/container/archive-checks';
import { validateMemberName } from '../../core/container/manifest';
import type { ContentHash, Manifest } from '../../core/contract/manifest';
import { retraceHome } from '../store/paths';
import { archiveHash, ProgressCounter, type OnProgress } from './archive-hash';
import { ContainerError, walkArchive } from './archive-reader';
import { buildRoot, RootBuildError } from './build-root';
import { unpackedLayout } from './unpacked-layout';

export { ContainerError } from './archive-reader';
export type { OnProgress, Progress } from './archive-hash';

export interface UnpackedContainer {
  /** `sha256:<hex>` of the archive file itself. */
  archiveHash: string;
  /** `<cacheRoot>/<hex>`. */
  dir: string;
  /** `dir/root`: the original tree (folders, files as hard links to `dir/blobs`, symbolic links as recorded). */
  rootDir: string;
  /** The parsed and validated manifest.json. */
  manifest: Manifest;
  /** `dir/notebook.ipynb`. */
  notebookPath: string;
  /** `dir/provenance` (always exists, empty when the archive had none). */
  provenanceDir: string;
  /** True when this call did not unpack: the cache had it, or a concurrent opener finished first. */
  cached: boolean;
}

export interface OpenOptions {
  /** Default `$RETRACE_HOME/containers`. */
  cacheRoot?: string;
  onProgress?: OnProgress;
}

/** Default folder of unpacked containers: RETRACE_CONTAINER_CACHE, else `$RETRACE_HOME/containers`. */
export function containersRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.RETRACE_CONTAINER_CACHE || join(retraceHome(env), 'containers');
}

const INDEX_FILE = 'index.json';
const WORK_PREFIX = '.unpack-';
const DISCARD_PREFIX = '.discard-';
/** Temporary folders left by a crashed opener are removed after this long. */
const STALE_WORK_MS = 24 * 60 * 60 * 1000;
/** The most readArchiveMember and the manifest reader hold in memory. */
const SMALL_MEMBER_LIMIT = 64 * 1024 * 1024;

async function requireRegularFile(archive: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(archive);
  } catch (e) {
    throw new ContainerError(archive, `cannot read the archive (${(e as Error).message})`, undefined, { cause: e });
  }
  if (!stat.isFile()) {
    throw new ContainerError(archive, 'not a regular file');
  }
}

function describe(archiveHashValue: ContentHash, dir: string, manifest: Manifest, cached: boolean): UnpackedContainer {
  return {
    archiveHash: archiveHashValue,
    dir,
    ...unpackedLayout(dir),
    manifest,
    cached
  };
}

/**
 * After a run: a container file whose size or time is no longer the manifest's was
 * written through a link in a run's view (files there share their inode with the
 * cache). Then the cached copy is dropped, to be unpacked afresh from the archive
 * next time. Returns the paths found changed.
 */
export async function dropIfTouched(container: UnpackedContainer): Promise<string[]> {
  const changed: string[] = [];
  for (const e of container.manifest.entries) {
    if (e.kind !== 'file') continue;
    const st = await fs.lstat(join(container.rootDir, e.path)).catch(() => undefined);
    if (!st || st.size !== e.size || (e.mtime !== undefined && Math.abs(st.mtimeMs / 1000 - e.mtime) >= 1)) changed.push(e.path);
  }
  if (changed.length) await discard(dirname(container.dir), container.dir);
  return changed;
}

/** Move a folder out of the cache's namespace at once, then delete it. */
async function discard(cacheRoot: string, dir: string): Promise<void> {
  const aside = join(cacheRoot, DISCARD_PREFIX + randomBytes(6).toString('hex'));
  try {
    await fs.rename(dir, aside);
  } catch {
    return; // already gone: another opener discarded it
  }
  await fs.rm(aside, { recursive: true, force: true });
}

/**
 * The manifest of a finished cache entry, or undefined when there is none. An entry
 * that does not look finished (someone deleted part of it) is discarded, to be rebuilt.
 */
async function readCacheEntry(cacheRoot: string, dir: string): Promise<Manifest | undefined> {
  try {
    await fs.lstat(dir);
  } catch {
    return undefined;
  }
  try {
    const [text, root, notebook] = await Promise.all([
      fs.readFile(join(dir, 'manifest.json'), 'utf8'),
      fs.lstat(join(dir, 'root')),
      fs.lstat(join(dir, 'notebook.ipynb'))
    ]);
    const parsed = parseManifest(text);
    if (parsed.ok && root.isDirectory() && notebook.isFile()) {
      return parsed.value;
    }
  } catch {
    // fall through: incomplete
  }
  await discard(cacheRoot, dir);
  return undefined;
}

/** Remove temporary folders that crashed openers left behind. */
async function sweepStaleWork(cacheRoot: string): Promise<void> {
  const names = await fs.readdir(cacheRoot).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(WORK_PREFIX) && !name.startsWith(DISCARD_PREFIX)) {
      continue;
    }
    const path = join(cacheRoot, name);
    const stat = await fs.lstat(path).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > STALE_WORK_MS) {
      await fs.rm(path, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Write a member's body to a new file (never over an existing one); returns its content hash and size. */
async function writeMemberFile(body: AsyncIterable<Buffer>, path: string): Promise<{ hash: ContentHash; size: number }> {
  const digest = createHash('sha256');
  let size = 0;
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of body) {
      digest.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }
  await pipeline(Readable.from(hashed()), createWriteStream(path, { flags: 'wx', mode: 0o644 }));
  return { hash: `sha256:${digest.digest('hex')}`, size };
}

interface Extracted {
  /** Names of the regular files written (manifest.json, provenance/..., blobs/...). */
  files: Set<string>;
  /** Blob members whose content was checked against their names, with their sizes. */
  blobs: Map<string, number>;
}

/**
 * Read the archive once: check every member, write the regular files into
 * `workDir`, verify each blob's content and that the archive is still the one hashed.
 */
async function extractMembers(archive: string, workDir: string, expectedHash: ContentHash, onProgress: OnProgress | undefined): Promise<Extracted> {
  const files = new Set<string>();
  const blobs = new Map<string, number>();
  const archiveDigest = createHash('sha256');
  const progress = new ProgressCounter('unpack', (await fs.stat(archive)).size, onProgress);

  await walkArchive(
    archive,
    async (member, body) => {
      const verdict = planMember(member, blobs);
      if (!verdict.ok) {
        throw new ContainerError(archive, verdict.problem, member.name);
      }
      const plan = verdict.value;
      if (plan.action === 'folder' || plan.action === 'skip-root') {
        return;
      }
      if (files.has(plan.name)) {
        throw new ContainerError(archive, `archive member ${JSON.stringify(plan.name)} appears twice`, plan.name);
      }
      files.add(plan.name);
      const path = join(workDir, ...plan.name.split('/'));
      // Only folders and regular files exist in workDir at this point, so this cannot follow a link.
      await fs.mkdir(dirname(path), { recursive: true });
      const { hash, size } = await writeMemberFile(body, path);
      if (plan.action === 'extract-blob') {
        if (hash !== plan.hash) {
          throw new ContainerError(
            archive,
            `blob ${JSON.stringify(plan.name)} has content hashing to ${hash}, not to its name (tampered or damaged)`,
            plan.name
          );
        }
        blobs.set(plan.name, size);
      }
    },
    {
      onArchiveBytes: chunk => {
        archiveDigest.update(chunk);
        progress.add(chunk.length);
      }
    }
  );
  progress.finish();
  if (`sha256:${archiveDigest.digest('hex')}` !== expectedHash) {
    throw new ContainerError(archive, 'the archive changed while it was being unpacked; try again');
  }
  return { files, blobs };
}

async function readManifestFile(archive: string, path: string): Promise<Manifest> {
  const { size } = await fs.stat(path);
  if (size > SMALL_MEMBER_LIMIT) {
    throw new ContainerError(archive, `manifest.json is implausibly large (${size} bytes)`, 'manifest.json');
  }
  const parsed = parseManifest(await fs.readFile(path, 'utf8'));
  if (!parsed.ok) {
    throw new ContainerError(archive, parsed.problem, 'manifest.json');
  }
  return parsed.value;
}

/** Unpack into `workDir` (empty, private); returns the manifest. */
async function unpackInto(archive: string, workDir: string, expectedHash: ContentHash, onProgress: OnProgress | undefined): Promise<Manifest> {
  const { files, blobs } = await extractMembers(archive, workDir, expectedHash, onProgress);
  for (const required of ['manifest.json', 'notebook.ipynb']) {
    if (!files.has(required)) {
      throw new ContainerError(archive, `the archive has no ${required}`, required);
    }
  }
  const manifest = await readManifestFile(archive, join(workDir, 'manifest.json'));
  const missing = missingBlobProblem(manifest, blobs);
  if (missing !== null) {
    throw new ContainerError(archive, missing.problem, missing.member);
  }
  await fs.mkdir(join(workDir, 'provenance'), { recursive: true });
  try {
    await buildRoot(workDir, planRoot(manifest), onProgress);
  } catch (e) {
    if (e instanceof RootBuildError) {
      throw new ContainerError(archive, e.message, `root${e.path}`, { cause: e });
    }
    throw e;
  }
  return manifest;
}

function isTakenError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EEXIST' || code === 'ENOTEMPTY';
}

/**
 * Unpack a container archive into the cache (or find it there) and describe it.
 * Rejects with a ContainerError naming the archive and the offending member.
 */
export async function openContainer(archive: string, opts: OpenOptions = {}): Promise<UnpackedContainer> {
  const archivePath = resolve(archive);
  await requireRegularFile(archivePath);
  const cacheRoot = resolve(opts.cacheRoot ?? containersRoot());
  await fs.mkdir(cacheRoot, { recursive: true, mode: 0o700 });

  let hash: ContentHash;
  try {
    ({ hash } = await archiveHash(archivePath, { indexFile: join(cacheRoot, INDEX_FILE), onProgress: opts.onProgress }));
  } catch (e) {
    throw new ContainerError(archivePath, `cannot read the archive (${(e as Error).message})`, undefined, { cause: e });
  }
  const dir = join(cacheRoot, hash.slice('sha256:'.length));
  const known = await readCacheEntry(cacheRoot, dir);
  if (known) {
    return describe(hash, dir, known, true);
  }

  await sweepStaleWork(cacheRoot);
  const workDir = await fs.mkdtemp(join(cacheRoot, WORK_PREFIX));
  let manifest: Manifest;
  try {
    manifest = await unpackInto(archivePath, workDir, hash, opts.onProgress);
  } catch (e) {
    await fs.rm(workDir, { recursive: true, force: true });
    throw e;
  }
  try {
    await fs.rename(workDir, dir);
  } catch (e) {
    await fs.rm(workDir, { recursive: true, force: true });
    if (!isTakenError(e)) {
      throw e;
    }
    // Another opener finished first: use theirs.
    const theirs = await readCacheEntry(cacheRoot, dir);
    if (!theirs) {
      throw new ContainerError(archivePath, `the cache folder ${dir} is in use but incomplete; try again`);
    }
    return describe(hash, dir, theirs, true);
  }
  return describe(hash, dir, manifest, false);
}

/**
 * The content of one small regular-file member (manifest.json, deps.json), or
 * undefined when the archive has no such member. Stops reading at the member.
 */
export async function readArchiveMember(archive: string, name: string): Promise<Buffer | undefined> {
  const archivePath = resolve(archive);
  const nameProblem = validateMemberName(name);
  if (nameProblem !== null) {
    throw new ContainerError(archivePath, nameProblem, name);
  }
  await requireRegularFile(archivePath);
  let content: Buffer | undefined;
  await walkArchive(archivePath, async (member, body) => {
    if (member.name !== name) {
      return;
    }
    if (member.type !== 'File' && member.type !== 'OldFile') {
      throw new ContainerError(archivePath, `archive member ${JSON.stringify(name)} is not a regular file`, name);
    }
    if (member.size > SMALL_MEMBER_LIMIT) {
      const message = `archive member ${JSON.stringify(name)} is too large to read whole (${member.size} bytes)`;
      throw new ContainerError(archivePath, message, name);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) {
      chunks.push(chunk);
    }
    content = Buffer.concat(chunks);
    return 'stop';
  });
  return content;
}
