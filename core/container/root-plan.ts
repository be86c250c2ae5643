/**
 * How the unpacker rebuilds a container's `root/` from its manifest: which paths
 * share an inode (hard links share mode and time), which folders to make, with what
 * modes. Pure; server/container/build-root.ts does the writing.
 */
import { blobPath, relativeInsideRoot } from './manifest';
import type { ContentHash, Manifest } from '../contract/manifest';

/** Permission bits kept for files: set-user/group-ID bits from a stranger's archive are dropped. */
export function fileModeToSet(mode: number): number {
  return mode & 0o777;
}

/** Folders keep the sticky bit, and always let their owner in and write, so the cache can be cleaned up. */
export function folderModeToSet(mode: number): number {
  return (mode & 0o1777) | 0o700;
}

/**
 * Files sharing one inode: hard links share mode and mtime, so one group per
 * (content, mode, mtime). The first group of a content uses the blob's own inode;
 * later ones get a copy of the blob.
 */
export interface InodeGroup {
  hash: ContentHash;
  /** Blob member holding the content. */
  blob: string;
  mode: number;
  mtime?: number;
  /** Root-relative paths, in manifest order. */
  paths: string[];
  /** True for the first group of its content: link the blob itself. */
  usesBlobInode: boolean;
}

export interface RootFolder {
  /** Root-relative path (`` for the root). */
  path: string;
  mode: number;
  mtime?: number;
}

export interface RootSymlink {
  path: string;
  target: string;
  mtime?: number;
}

export interface RootPlan {
  /** Shallowest first (create in this order; set modes and times in reverse). */
  folders: RootFolder[];
  files: InodeGroup[];
  symlinks: RootSymlink[];
}

function depth(rootRelative: string): number {
  return rootRelative === '' ? 0 : rootRelative.split('/').length;
}

/** How to build `root/` from a validated manifest. */
export function planRoot(manifest: Manifest): RootPlan {
  const folders: RootFolder[] = [];
  const groups = new Map<string, InodeGroup>();
  const hashesWithGroup = new Set<string>();
  const symlinks: RootSymlink[] = [];
  for (const entry of manifest.entries) {
    const path = relativeInsideRoot(entry.path);
    if (entry.kind === 'directory') {
      folders.push({ path, mode: folderModeToSet(entry.mode), mtime: entry.mtime });
    } else if (entry.kind === 'symlink') {
      symlinks.push({ path, target: entry.target as string, mtime: entry.mtime });
    } else {
      const hash = entry.hash as ContentHash;
      const mode = fileModeToSet(entry.mode);
      const key = `${hash} ${mode} ${entry.mtime ?? ''}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { hash, blob: blobPath(hash), mode, mtime: entry.mtime, paths: [], usesBlobInode: !hashesWithGroup.has(hash) };
        hashesWithGroup.add(hash);
        groups.set(key, group);
      }
      group.paths.push(path);
    }
  }
  folders.sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { folders, files: [...groups.values()], symlinks };
}
