/**
 * Builds an unpacked container's `root/` from its manifest (never from the tar's
 * own `root/` members): folders, files as hard links to the verified blobs, and
 * symbolic links with their recorded targets; then modes and times, folders last
 * because creating their content moves their times.
 *
 * Everything is created inside a private folder that only this process writes, with
 * calls that refuse to follow or replace what is already there (mkdir, link,
 * symlink, exclusive copy), and every parent is checked with lstat to be a real
 * folder, so nothing can be written through a symbolic link.
 */
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { InodeGroup, RootPlan } from '../../core/container/archive-checks';
import { ProgressCounter, type OnProgress } from './archive-hash';

/** A manifest entry that could not be created in root/. */
export class RootBuildError extends Error {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(`cannot create ${JSON.stringify(path)} in root/: ${message}`, options);
    this.name = 'RootBuildError';
  }
}

function parentOf(rootRelative: string): string {
  const at = rootRelative.lastIndexOf('/');
  return at < 0 ? '' : rootRelative.slice(0, at);
}

/** Original absolute path of a root-relative one, for messages. */
function shown(rootRelative: string): string {
  return '/' + rootRelative;
}

/** Folders under root/ known to be real folders (made here, or checked with lstat). */
class RealFolders {
  private readonly known = new Set<string>(['']);

  constructor(private readonly rootDir: string) {}

  at(rootRelative: string): string {
    return rootRelative === '' ? this.rootDir : join(this.rootDir, rootRelative);
  }

  async ensure(rootRelative: string): Promise<void> {
    if (this.known.has(rootRelative)) {
      return;
    }
    await this.ensure(parentOf(rootRelative));
    const path = this.at(rootRelative);
    try {
      await fs.mkdir(path, { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
      const stat = await fs.lstat(path);
      if (!stat.isDirectory()) {
        const what = stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder';
        throw new RootBuildError(shown(rootRelative), `a folder is needed there but it is ${what}`);
      }
    }
    this.known.add(rootRelative);
  }
}

async function createFiles(group: InodeGroup, workDir: string, folders: RealFolders): Promise<string> {
  const [first, ...others] = group.paths;
  const blob = join(workDir, ...group.blob.split('/'));
  await folders.ensure(parentOf(first));
  const firstPath = folders.at(first);
  if (group.usesBlobInode) {
    await fs.link(blob, firstPath);
  } else {
    // Same content with another mode or mtime needs its own inode (hard links share both).
    await fs.copyFile(blob, firstPath, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  }
  for (const other of others) {
    await folders.ensure(parentOf(other));
    await fs.link(firstPath, folders.at(other));
  }
  return firstPath;
}

async function step<T>(rootRelative: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    if (e instanceof RootBuildError) {
      throw e;
    }
    throw new RootBuildError(shown(rootRelative), (e as Error).message, { cause: e });
  }
}

/** Build `<workDir>/root` from the plan; blobs are at `<workDir>/blobs/...`. */
export async function buildRoot(workDir: string, plan: RootPlan, onProgress?: OnProgress): Promise<string> {
  const rootDir = join(workDir, 'root');
  await fs.mkdir(rootDir, { mode: 0o755 });
  const folders = new RealFolders(rootDir);
  const total = plan.folders.length + plan.files.reduce((n, g) => n + g.paths.length, 0) + plan.symlinks.length;
  const progress = new ProgressCounter('build', total, onProgress, 1000);

  for (const folder of plan.folders) {
    await step(folder.path, () => folders.ensure(folder.path));
    progress.add(1);
  }
  const inodes: { path: string; group: InodeGroup }[] = [];
  for (const group of plan.files) {
    const path = await step(group.paths[0], () => createFiles(group, workDir, folders));
    inodes.push({ path, group });
    progress.add(group.paths.length);
  }
  // Links last: nothing else is created after them, so nothing can go through one.
  for (const link of plan.symlinks) {
    await step(link.path, async () => {
      await folders.ensure(parentOf(link.path));
      await fs.symlink(link.target, folders.at(link.path));
    });
    progress.add(1);
  }

  // Modes and times once all content exists (a copy must be made before its blob turns unreadable).
  for (const { path, group } of inodes) {
    await step(group.paths[0], async () => {
      await fs.chmod(path, group.mode);
      if (group.mtime !== undefined) {
        await fs.utimes(path, group.mtime, group.mtime);
      }
    });
  }
  for (const link of plan.symlinks) {
    if (link.mtime !== undefined) {
      await step(link.path, () => fs.lutimes(folders.at(link.path), link.mtime as number, link.mtime as number));
    }
  }
  // Deepest first: setting a folder's time is final only once nothing more changes inside it.
  for (const folder of [...plan.folders].reverse()) {
    await step(folder.path, async () => {
      const path = folders.at(folder.path);
      await fs.chmod(path, folder.mode);
      if (folder.mtime !== undefined) {
        await fs.utimes(path, folder.mtime, folder.mtime);
      }
    });
  }
  progress.finish();
  return rootDir;
}
