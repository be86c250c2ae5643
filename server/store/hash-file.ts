/** Content hashes of files, streamed (never a whole file in memory). */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileRecord } from '../../core/contract/metadata';

export interface HashOptions {
  /** Files larger than this are recorded by size only. */
  maxBytes?: number;
  /** When the file was read (seconds since the epoch): a later mtime means it changed before we hashed it. */
  readAt?: number;
}

export async function hashFile(path: string, shownAs: string, opts: HashOptions = {}): Promise<FileRecord> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    return { path: shownAs, note: 'deleted' };
  }
  if (stat.isDirectory()) return { path: shownAs, note: 'directory' };
  if (opts.maxBytes !== undefined && stat.size > opts.maxBytes) return { path: shownAs, size: stat.size, note: 'too-large' };
  try {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const record: FileRecord = { path: shownAs, sha256: 'sha256:' + hash.digest('hex'), size };
    if (opts.readAt !== undefined && stat.mtimeMs / 1000 > opts.readAt) record.note = 'changed-before-hashed';
    return record;
  } catch {
    return { path: shownAs, note: 'unreadable' };
  }
}
