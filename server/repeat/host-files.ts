/**
 * The folders a repeat binds from the host (the notebook's folder, /tmp) hide what
 * the container holds under them. So before the kernel starts, the container's
 * files there are put back on the host when missing (the inputs and local modules
 * of a notebook copied to a fresh machine), and mounted over the host's file when
 * the host has a different one: the audit's file wins, as everywhere in the sandbox.
 */
import { constants, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../../core/contract/manifest';
import { hashOnly } from '../container/blob-store';

export interface BoundFolder {
  /** The folder's path in the sandbox (as the audit saw it). */
  original: string;
  /** The host folder bound there. */
  host: string;
}

export interface HostFiles {
  /** Original paths copied from the container onto the host. */
  restored: string[];
  /** Container files to mount over a different host file: source in the cache, target in the sandbox. */
  overrides: Array<{ source: string; target: string }>;
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir === '/' ? '/' : dir + '/');

export async function prepareBoundFolders(manifest: Manifest, rootDir: string, folders: BoundFolder[]): Promise<HostFiles> {
  const result: HostFiles = { restored: [], overrides: [] };
  // The most specific folder first: the notebook's folder inside /tmp is the notebook's.
  const ordered = [...folders].sort((a, b) => b.original.length - a.original.length);
  for (const e of manifest.entries) {
    const folder = ordered.find(f => inside(e.path, f.original));
    if (!folder) continue;
    const hostPath = folder.host + e.path.slice(folder.original.length);
    const there = await fs.lstat(hostPath).catch(() => undefined);
    if (e.kind === 'directory') {
      if (!there) await fs.mkdir(hostPath, { recursive: true });
      continue;
    }
    if (e.kind === 'symlink') {
      if (!there) {
        await fs.mkdir(dirname(hostPath), { recursive: true });
        await fs.symlink(e.target!, hostPath);
      }
      continue;
    }
    const source = join(rootDir, e.path);
    if (!there) {
      await fs.mkdir(dirname(hostPath), { recursive: true });
      await fs.copyFile(source, hostPath, constants.COPYFILE_EXCL);
      await fs.chmod(hostPath, e.mode & 0o777);
      if (e.mtime !== undefined) await fs.utimes(hostPath, e.mtime, e.mtime);
      result.restored.push(e.path);
    } else if (!there.isFile() || there.size !== e.size || (await hashOnly(hostPath)).hash !== e.hash) {
      result.overrides.push({ source, target: e.path });
    }
  }
  return result;
}
