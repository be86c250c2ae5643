/**
 * Everything a path lookup walks through: each folder, each symbolic link (with its
 * target) and the file at the end. A container that holds only the file fails the
 * lookup a program makes by the name it knows (`/lib/x86_64-linux-gnu/libc.so.6`
 * goes through the link `/lib -> usr/lib`), so the packer keeps the whole chain.
 * The file system is injected: pure and testable.
 */
export type NodeKind = 'file' | 'directory' | 'symlink' | 'other';

export interface FsLookup {
  /** What is at `path` without following a final link; undefined when nothing is. */
  kind(path: string): NodeKind | undefined;
  readlink(path: string): string;
}

export interface ChainStep {
  path: string;
  kind: NodeKind;
  /** For symlinks: the target as stored. */
  target?: string;
}

export interface Chain {
  steps: ChainStep[];
  /** The path the lookup ends at (all links followed), when it exists. */
  resolved?: string;
  /** Why the lookup failed: the first component missing, or a link loop. */
  problem?: { kind: 'missing' | 'loop' | 'not-a-directory'; at: string };
}

const MAX_LINKS = 40; // as the kernel's own limit

const join = (dir: string, name: string) => (dir === '/' ? '/' + name : dir + '/' + name);
const parent = (dir: string) => (dir.lastIndexOf('/') <= 0 ? '/' : dir.slice(0, dir.lastIndexOf('/')));
const segments = (path: string) => path.split('/').filter(s => s !== '' && s !== '.');

export function resolveChain(path: string, fs: FsLookup): Chain {
  const steps: ChainStep[] = [];
  let pending = segments(path);
  let dir = '/';
  let links = 0;
  while (pending.length) {
    const [name, ...rest] = pending;
    if (name === '..') {
      // like the kernel: `..` is taken where the walk physically is, after links
      dir = parent(dir);
      pending = rest;
      continue;
    }
    const here = join(dir, name);
    const kind = fs.kind(here);
    if (kind === undefined) return { steps, problem: { kind: 'missing', at: here } };
    if (kind === 'symlink') {
      if (++links > MAX_LINKS) return { steps, problem: { kind: 'loop', at: here } };
      const target = fs.readlink(here);
      steps.push({ path: here, kind, target });
      // the target replaces the link's name, from the root or from the link's folder
      if (target.startsWith('/')) dir = '/';
      pending = [...segments(target), ...rest];
      continue;
    }
    if (rest.length && kind !== 'directory') return { steps, problem: { kind: 'not-a-directory', at: here } };
    steps.push({ path: here, kind });
    dir = here;
    pending = rest;
  }
  return { steps, resolved: dir };
}
