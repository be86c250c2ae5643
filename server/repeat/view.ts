/**
 * The file tree a repeat kernel sees as `/`, built afresh for each run from an
 * unpacked container (hard links into its cache, so it costs links, not copies):
 *  - every path the audit used, from the container, at its original place;
 *  - layered mode: in every folder the container has, the host's other entries as
 *    links into the host root mounted at `hostMount`, so what the audit never saw
 *    falls through to the host (and shows up in the trace as going through it);
 *  - strict mode: nothing else;
 *  - both: paths left out of the container (secrets, files too large) as links to
 *    the host, and empty mount points for what the sandbox binds over the tree.
 * Runs never write into the container's cache: what they create lands in the
 * view, removed afterwards.
 */
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../core/container/manifest';

export type RepeatMode = 'layered' | 'strict';

export interface ViewOptions {
  rootDir: string;
  manifest: Manifest;
  mode: RepeatMode;
  /** Where the sandbox shows the host's root, e.g. `/.retrace-host`. */
  hostMount: string;
  /** Folders the sandbox binds from the host (their content is the host's, not the view's). */
  boundDirs: string[];
  /** Files the sandbox binds (the connection file): a mount point is made for each. */
  boundFiles: string[];
  /** Folder to create the view in: on the container cache's file system. */
  parent: string;
}

export interface View {
  dir: string;
  /** Paths from the container, links to the host, as counted while building. */
  fromContainer: number;
  fallThroughLinks: number;
  dispose(): Promise<void>;
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir === '/' ? '/' : dir + '/');
const child = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

export async function buildView(opts: ViewOptions): Promise<View> {
  await fs.mkdir(opts.parent, { recursive: true, mode: 0o700 });
  await removeAbandonedViews(opts.parent);
  // Named after the launcher's pid: a view whose launcher is gone (killed) is removed by the next one.
  const dir = await fs.mkdtemp(join(opts.parent, `view-${process.pid}-`));
  const at = (p: string) => join(dir, p);
  const bound = (p: string) => opts.boundDirs.some(b => inside(p, b)) || opts.boundFiles.includes(p);
  const realDirs = new Set<string>(['/']);
  let fromContainer = 0;
  let fallThroughLinks = 0;

  // Folders are made one by one, never through a link: an absolute link in the
  // view points at the host, and a mkdir through it would write there.
  const ensureDir = async (p: string) => {
    const missing: string[] = [];
    for (let d = p; d !== '/' && !realDirs.has(d); d = dirname(d)) missing.unshift(d);
    for (const d of missing) {
      const st = await fs.lstat(at(d)).catch(() => undefined);
      if (st?.isSymbolicLink()) throw new Error(`cannot make ${p} in the sandbox: ${d} is a symbolic link in the container`);
      if (!st) await fs.mkdir(at(d));
      realDirs.add(d);
    }
  };

  for (const e of opts.manifest.entries) {
    if (bound(e.path)) continue; // hidden by the mount anyway (the notebook's folder is handled on the host)
    fromContainer++;
    if (e.kind === 'directory') await ensureDir(e.path);
    else {
      await ensureDir(dirname(e.path));
      if (e.kind === 'file') await fs.link(join(opts.rootDir, e.path), at(e.path));
      else await fs.symlink(e.target!, at(e.path));
    }
  }
  for (const m of opts.boundDirs) await ensureDir(m);
  for (const f of opts.boundFiles) {
    await ensureDir(dirname(f));
    await fs.writeFile(at(f), '', { flag: 'a' });
  }
  // Left out of the container: the host's copy, in either mode.
  for (const l of opts.manifest.left_out) {
    if (bound(l.path) || (await exists(at(l.path)))) continue;
    await ensureDir(dirname(l.path));
    await fs.symlink(opts.hostMount + l.path, at(l.path));
    fallThroughLinks++;
  }
  if (opts.mode === 'layered') {
    for (const d of [...realDirs].sort()) {
      if (bound(d)) continue;
      let names: string[];
      try {
        names = await fs.readdir(d);
      } catch {
        continue; // the host has no such folder
      }
      for (const name of names) {
        const p = child(d, name);
        if (p === opts.hostMount || bound(p) || (await exists(at(p)))) continue;
        await fs.symlink(opts.hostMount + p, at(p));
        fallThroughLinks++;
      }
    }
  }
  return { dir, fromContainer, fallThroughLinks, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
}

async function removeAbandonedViews(parent: string): Promise<void> {
  for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
    const pid = Number(/^view-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    await fs.rm(join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
