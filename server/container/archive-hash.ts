/**
 * The SHA-256 of a container archive, its identity in the unpack cache. Hashing
 * streams the file; a small index keyed by path remembers the hash of files whose
 * identity (device, inode, size, modification and change times) has not moved, so
 * reopening an unchanged archive costs one stat.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs, type BigIntStats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isContentHash } from '../../core/container/manifest';
import type { ContentHash } from '../../core/contract/manifest';

export interface Progress {
  /** `hash` (reading the archive to hash it), `unpack` (bytes of the archive read), `build` (root/ entries made). */
  phase: string;
  done: number;
  total?: number;
}

export type OnProgress = (progress: Progress) => void;

/** Report bytes at most once per this many: a big archive reads in thousands of chunks. */
export const BYTES_STEP = 4 * 1024 * 1024;

/** Counts work done in one phase and tells the listener every `step` units, and once at the end. */
export class ProgressCounter {
  private done = 0;
  private reported = 0;

  constructor(
    private readonly phase: string,
    private readonly total: number | undefined,
    private readonly onProgress: OnProgress | undefined,
    private readonly step: number = BYTES_STEP
  ) {
    onProgress?.({ phase, done: 0, total });
  }

  add(amount: number): void {
    this.done += amount;
    if (this.onProgress && this.done - this.reported >= this.step) {
      this.reported = this.done;
      this.onProgress({ phase: this.phase, done: this.done, total: this.total });
    }
  }

  finish(): void {
    if (this.onProgress && this.reported !== this.done) {
      this.reported = this.done;
      this.onProgress({ phase: this.phase, done: this.done, total: this.total });
    }
  }
}

/** SHA-256 of a file as `sha256:<hex>`, streamed. */
export async function hashFileContent(path: string, progress?: ProgressCounter): Promise<ContentHash> {
  const digest = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    digest.update(chunk as Buffer);
    progress?.add((chunk as Buffer).length);
  }
  progress?.finish();
  return `sha256:${digest.digest('hex')}`;
}

interface IndexRecord {
  /** `dev:ino:size:mtimeNs:ctimeNs` when hashed. */
  identity: string;
  hash: ContentHash;
  /** Milliseconds since the epoch; the least recently used records are dropped first. */
  usedAt: number;
}

interface HashIndex {
  version: 1;
  files: Record<string, IndexRecord>;
}

/** Records kept in the index. */
const INDEX_LIMIT = 500;

/** A hit refreshes its record's last use only when older than this, so repeated opens do not rewrite the index. */
const USED_AT_RESOLUTION_MS = 60_000;

/**
 * A change within this long of the file's last change time might not move its
 * timestamps (coarse clocks, 1–2 s on some file systems), so such a file is not
 * indexed yet: the next open hashes it again and may index it then.
 */
const RACY_MARGIN_MS = 3000;

function identityOf(stat: BigIntStats): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

async function readIndex(indexFile: string): Promise<HashIndex> {
  try {
    const value = JSON.parse(await fs.readFile(indexFile, 'utf8')) as Partial<HashIndex>;
    if (value.version === 1 && typeof value.files === 'object' && value.files !== null) {
      return { version: 1, files: value.files };
    }
  } catch {
    // Missing or unreadable: the index is only a shortcut.
  }
  return { version: 1, files: {} };
}

function isUsableRecord(record: unknown): record is IndexRecord {
  const r = record as Partial<IndexRecord> | undefined;
  return typeof r?.identity === 'string' && typeof r.hash === 'string' && isContentHash(r.hash);
}

async function writeIndex(indexFile: string, index: HashIndex): Promise<void> {
  const kept = Object.entries(index.files)
    .filter(([, record]) => isUsableRecord(record))
    .sort(([, a], [, b]) => b.usedAt - a.usedAt)
    .slice(0, INDEX_LIMIT);
  const text = JSON.stringify({ version: 1, files: Object.fromEntries(kept) });
  // A unique temp name: several openers (threads of one process included) may write at once; the last rename wins.
  const tmp = `${indexFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, text, { mode: 0o600 });
    await fs.rename(tmp, indexFile);
  } catch {
    await fs.rm(tmp, { force: true });
  }
}

export interface ArchiveHashOptions {
  /** Where to remember hashes; without it every call hashes the file. */
  indexFile?: string;
  onProgress?: OnProgress;
  /** The clock, in milliseconds (tests move it forward). */
  now?: () => number;
}

export interface ArchiveHash {
  hash: ContentHash;
  /** True when the index answered and the file was not read. */
  fromIndex: boolean;
}

/**
 * The archive's SHA-256, from the index when the file's identity is unchanged.
 * A file that changed while being hashed, or changed too recently to tell a later
 * change apart, is hashed but not indexed.
 */
export async function archiveHash(archive: string, opts: ArchiveHashOptions = {}): Promise<ArchiveHash> {
  const path = resolve(archive);
  const now = opts.now ?? Date.now;
  const before = await fs.stat(path, { bigint: true });
  const index = opts.indexFile ? await readIndex(opts.indexFile) : undefined;
  const known = index?.files[path];
  if (index && opts.indexFile && isUsableRecord(known) && known.identity === identityOf(before)) {
    if (!(now() - known.usedAt < USED_AT_RESOLUTION_MS)) {
      index.files[path] = { ...known, usedAt: now() };
      await writeIndex(opts.indexFile, index);
    }
    return { hash: known.hash, fromIndex: true };
  }

  const hash = await hashFileContent(path, new ProgressCounter('hash', Number(before.size), opts.onProgress));

  if (opts.indexFile) {
    const after = await fs.stat(path, { bigint: true });
    const settled = now() - Number(after.ctimeNs / 1_000_000n) >= RACY_MARGIN_MS;
    if (identityOf(after) === identityOf(before) && settled) {
      await fs.mkdir(dirname(opts.indexFile), { recursive: true, mode: 0o700 });
      // Re-read: another opener may have added records meanwhile.
      const fresh = await readIndex(opts.indexFile);
      fresh.files[path] = { identity: identityOf(after), hash, usedAt: now() };
      await writeIndex(opts.indexFile, fresh);
    }
  }
  return { hash, fromIndex: false };
}
