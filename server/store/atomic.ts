/** Writes that never leave a half-written file behind: temp file, fsync, rename. */
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Who may read the file: `private` (0600: the session store, whose traces name every
 * file the user touched) or `user` for files the user asked for (notebooks): the mode
 * a file being replaced already has, else what a new file gets (0666 less the umask).
 */
export type FileAccess = 'private' | 'user';

export function writeFileAtomic(path: string, data: string | Uint8Array, access: FileAccess = 'private'): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const existing = access === 'user' ? statSync(path, { throwIfNoEntry: false }) : undefined;
  // The kernel applies the umask to the mode given at creation, as it does for any new file.
  const fd = openSync(tmp, 'w', access === 'user' ? 0o666 : 0o600);
  try {
    if (existing) fchmodSync(fd, existing.mode & 0o7777);
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
