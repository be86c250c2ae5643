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
 * What a run creates lands in the view, removed afterwards. A run that writes into
 * a container file in place writes into the cache (the link shares its inode): the
 * launcher checks for that after the run and drops such a cache entry.
 */
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, promises as fs, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Manifest } from '../../core/contract/manifest';
import type { RepeatMode } from '../../core/contract/repeat-mode';
import { processAlive } from '../system/proc';

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
  /** Real folders that get no fall-through links (the connection file's: other kernels' files stay out). */
  privateDirs?: string[];
  /**
   * Keep a template of the view per container and mode (and, layered, per state of
   * the host folders it mirrors), and make each run's view as links to it: far fewer
   * file-system calls than building it afresh. `key` names the container.
   */
  templates?: { dir: string; key: string };
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
  const dispose = () => fs.rm(dir, { recursive: true, force: true });
  // Thousands of links, made before the kernel starts and with nothing else to do
  // meanwhile: synchronous calls are several times faster than awaited ones here.
  if (opts.templates) {
    try {
      const template = await ensureTemplate(opts, opts.templates);
      cloneTree(template.dir, dir);
      addMountFiles(dir, opts.boundFiles);
      return { dir, ...template.counts, dispose };
    } catch {
      // a template pruned while we cloned it: build this one afresh
      await dispose();
      await fs.mkdir(dir, { mode: 0o700 });
    }
  }
  const counts = populate(dir, opts);
  addMountFiles(dir, opts.boundFiles);
  return { dir, ...counts, dispose };
}

type Counts = { fromContainer: number; fallThroughLinks: number };

/** The template for this container, mode and host state, built (once, atomically) if missing. */
async function ensureTemplate(opts: ViewOptions, t: { dir: string; key: string }): Promise<{ dir: string; counts: Counts }> {
  const prefix = `${t.key}-${opts.mode}-`;
  const dir = join(t.dir, prefix + fingerprint(opts));
  const countsFile = `${dir}.json`;
  try {
    return { dir, counts: JSON.parse(await fs.readFile(countsFile, 'utf8')) as Counts };
  } catch {
    // not built yet
  }
  await fs.mkdir(t.dir, { recursive: true, mode: 0o700 });
  const work = await fs.mkdtemp(join(t.dir, `.building-${process.pid}-`));
  const counts = populate(work, { ...opts, boundFiles: [] });
  try {
    await fs.rename(work, dir);
    await fs.writeFile(countsFile, JSON.stringify(counts));
  } catch {
    await fs.rm(work, { recursive: true, force: true }); // another run built it first
  }
  // Templates of this container for an earlier state of the host are stale.
  for (const name of await fs.readdir(t.dir)) {
    if (name.startsWith(prefix) && !name.startsWith(basename(dir))) await fs.rm(join(t.dir, name), { recursive: true, force: true });
  }
  return { dir, counts };
}

/** Forget a container's templates (its cached files changed). */
export async function dropTemplates(templatesDir: string, key: string): Promise<void> {
  for (const name of await fs.readdir(templatesDir).catch(() => [] as string[])) {
    if (name.startsWith(`${key}-`)) await fs.rm(join(templatesDir, name), { recursive: true, force: true });
  }
}

/**
 * What a layered view mirrors of the host: the listing of each host folder it holds,
 * summed up by the folders' modification times (a folder's changes when an entry is
 * added, removed or renamed). Strict views mirror nothing of the host.
 */
function fingerprint(opts: ViewOptions): string {
  const h = createHash('sha256').update(`${opts.mode}\n${opts.hostMount}\n${opts.boundDirs.join(':')}\n${(opts.privateDirs ?? []).join(':')}\n`);
  if (opts.mode === 'layered') {
    for (const d of realFolders(opts)) {
      let mtime = 'none';
      try {
        mtime = String(statSync(d).mtimeMs);
      } catch {
        // the host has no such folder
      }
      h.update(`${d} ${mtime}\n`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** The folders a view of these options makes real (as populate does), sorted. */
function realFolders(opts: ViewOptions): string[] {
  const bound = (p: string) => opts.boundDirs.some(b => inside(p, b));
  const dirs = new Set<string>(['/']);
  const add = (p: string) => {
    for (let d = p; d !== '/'; d = dirname(d)) dirs.add(d);
  };
  for (const e of opts.manifest.entries) if (!bound(e.path)) add(e.kind === 'directory' ? e.path : dirname(e.path));
  for (const d of [...opts.boundDirs, ...(opts.privateDirs ?? [])]) add(d);
  for (const l of opts.manifest.left_out) if (!bound(l.path)) add(dirname(l.path));
  return [...dirs].filter(d => !bound(d)).sort();
}

/** A copy of a tree made of hard links (to files and to symbolic links alike) and new folders, with the folders' times. */
function cloneTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target);
      cloneTree(source, target);
      const st = statSync(source);
      utimesSync(target, st.atime, st.mtime);
    } else linkSync(source, target);
  }
}

/**
 * The container's folders get the times the audit saw, deepest first and once
 * nothing more is made in them: fontconfig takes a cache whose folder looks newer
 * than it for stale, and rebuilds it.
 */
function keepFolderTimes(dir: string, manifest: Manifest, made: Map<string, Set<string>>): void {
  const folders = manifest.entries.filter(e => e.kind === 'directory' && e.mtime !== undefined && made.has(e.path));
  folders.sort((a, b) => b.path.split('/').length - a.path.split('/').length);
  for (const f of folders) utimesSync(join(dir, f.path), f.mtime!, f.mtime!);
}

/** Empty files the sandbox mounts the connection file (and the like) on; their folders are real. */
function addMountFiles(dir: string, files: string[]): void {
  for (const f of files) {
    mkdirSync(join(dir, dirname(f)), { recursive: true });
    writeFileSync(join(dir, f), '', { flag: 'a' });
  }
}

function populate(dir: string, opts: ViewOptions): { fromContainer: number; fallThroughLinks: number } {
  const at = (p: string) => join(dir, p);
  const bound = (p: string) => opts.boundDirs.some(b => inside(p, b)) || opts.boundFiles.includes(p);
  /** What each real folder of the view holds so far, by name: no lstat needed to know. */
  const made = new Map<string, Set<string>>([['/', new Set()]]);
  const note = (p: string) => made.get(dirname(p))?.add(basename(p));
  const has = (p: string) => made.get(dirname(p))?.has(basename(p)) ?? false;
  let fromContainer = 0;
  let fallThroughLinks = 0;

  // Folders are made one by one, never through a link: an absolute link in the
  // view points at the host, and a mkdir through it would write there.
  const ensureDir = (p: string) => {
    const missing: string[] = [];
    for (let d = p; d !== '/' && !made.has(d); d = dirname(d)) missing.unshift(d);
    for (const d of missing) {
      if (has(d)) throw new Error(`cannot make ${p} in the sandbox: ${d} is a symbolic link or file in the container`);
      mkdirSync(at(d));
      note(d);
      made.set(d, new Set());
    }
  };
  const link = (p: string, make: () => void) => {
    ensureDir(dirname(p));
    make();
    note(p);
  };

  for (const e of opts.manifest.entries) {
    if (bound(e.path)) continue; // hidden by the mount anyway (the notebook's folder is handled on the host)
    fromContainer++;
    if (e.kind === 'directory') ensureDir(e.path);
    else if (e.kind === 'file') link(e.path, () => linkSync(join(opts.rootDir, e.path), at(e.path)));
    else link(e.path, () => symlinkSync(e.target!, at(e.path)));
  }
  for (const m of [...opts.boundDirs, ...(opts.privateDirs ?? [])]) ensureDir(m);
  for (const f of opts.boundFiles) ensureDir(dirname(f));
  // Left out of the container: the host's copy, in either mode.
  for (const l of opts.manifest.left_out) {
    if (bound(l.path) || has(l.path) || made.has(l.path)) continue;
    link(l.path, () => symlinkSync(opts.hostMount + l.path, at(l.path)));
    fallThroughLinks++;
  }
  if (opts.mode === 'layered') {
    const privateDirs = new Set(opts.privateDirs ?? []);
    for (const [d, names] of [...made].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (bound(d) || privateDirs.has(d)) continue;
      let hostNames: string[];
      try {
        hostNames = readdirSync(d);
      } catch {
        continue; // the host has no such folder
      }
      for (const name of hostNames) {
        const p = child(d, name);
        if (names.has(name) || p === opts.hostMount || bound(p)) continue;
        symlinkSync(opts.hostMount + p, at(p));
        names.add(name);
        fallThroughLinks++;
      }
    }
  }
  keepFolderTimes(dir, opts.manifest, made);
  return { fromContainer, fallThroughLinks };
}

async function removeAbandonedViews(parent: string): Promise<void> {
  for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
    const pid = Number(/^view-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    await fs.rm(join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
