/**
 * Content-addressed file store for a container being built: each file is streamed
 * once through SHA-256 into a temporary file, then renamed to its hash's name, so
 * identical contents are stored once and no file is ever held in memory whole.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { blobPath } from '../../core/container/manifest';
import type { ContentHash } from '../../core/contract/manifest';

export interface StoredBlob {
  hash: ContentHash;
  size: number;
  /** Absolute path of the blob inside the store's folder. */
  file: string;
  /** False when an identical content was already stored. */
  added: boolean;
}

export class BlobStore {
  private counter = 0;
  private readonly known = new Map<ContentHash, string>();

  /** `dir` is the container's staging folder: blobs go to `dir/blobs/sha256/…`. */
  constructor(private readonly dir: string) {}

  get count(): number {
    return this.known.size;
  }

  /** Copy a file in, hashing as it streams; `mode` is applied to a new blob. */
  async add(source: string, mode: number): Promise<StoredBlob> {
    const temp = join(this.dir, 'blobs', `.incoming-${process.pid}-${this.counter++}`);
    await fs.mkdir(dirname(temp), { recursive: true });
    const { hash, size } = await copyHashing(source, temp);
    const existing = this.known.get(hash);
    if (existing) {
      await fs.unlink(temp);
      return { hash, size, file: existing, added: false };
    }
    const file = join(this.dir, blobPath(hash));
    await fs.mkdir(dirname(file), { recursive: true });
    await fs.rename(temp, file);
    // Read-only: a blob is shared by every path with its content.
    await fs.chmod(file, (mode & 0o555) | 0o444);
    this.known.set(hash, file);
    return { hash, size, file, added: true };
  }
}

/** Hash a file without keeping it (for files recorded by hash only). */
export async function hashOnly(source: string): Promise<{ hash: ContentHash; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(source)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hash: `sha256:${hash.digest('hex')}`, size };
}

async function copyHashing(source: string, target: string): Promise<{ hash: ContentHash; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    }
  });
  await pipeline(createReadStream(source), tap, createWriteStream(target, { mode: 0o600 }));
  return { hash: `sha256:${hash.digest('hex')}`, size };
}
