/**
 * Which files matter. Every path a cell touches is one of:
 *  - noise: the machinery's own files (/proc, /dev, /sys, Jupyter runtime files,
 *    IPython's history, caches interpreters and libraries keep for themselves,
 *    retrace's own store, the cell markers) — never inputs, never in lineage;
 *  - system: the software (interpreters, installed packages, shared libraries,
 *    /etc) — counted and, later, packed and mapped to packages;
 *  - user: the data and code the notebook works with.
 * Rules are plain data so the CLI, the companion and tests share them.
 */

export type PathClass = 'noise' | 'system' | 'user';

export interface PathContext {
  /** The notebook's folder: user paths under it are shown relative to it. */
  notebookDir?: string;
  /** The user's home, for ~/.cache, ~/.ipython and the like. */
  home?: string;
  /** Roots of installed software besides the usual system folders (venv, pyenv, conda). */
  softwarePrefixes?: string[];
  /** Extra noise folders (RETRACE_HOME, a custom MPLCONFIGDIR, ...). */
  noisePrefixes?: string[];
}

const NOISE_PREFIXES = ['/proc/', '/dev/', '/sys/', '/run/user/', '/__retrace__/'];
const NOISE_EXACT = new Set(['/proc', '/dev', '/sys', '/dev/null']);
/** Segments that mark a cache or scratch area wherever it is. */
const NOISE_SEGMENTS = ['/__pycache__/', '/.ipynb_checkpoints/', '/dask-scratch-space/', '/dask-worker-space/', '/.ipython/'];
const IPYKERNEL_CELL_FILES = /\/ipykernel_\d+(\/|$)/;
const NOISE_SUFFIXES = ['.pyc', '/.python_history'];
/** Relative to $HOME. */
const HOME_NOISE = [
  '/.cache/',
  '/.local/share/jupyter/runtime/',
  '/.jupyter/',
  '/.local/share/retrace/',
  '/.config/matplotlib/',
  '/.matplotlib/',
  '/.config/dask/',
  '/.dask/',
  // fontconfig's cache in its older place, which fc-list still probes before ~/.cache
  '/.fontconfig/'
];

// /var/cache/ holds the system's caches (fontconfig's, ldconfig's): never inputs, but
// software all the same, packed so that a repeat finds them as the audit did.
const SYSTEM_PREFIXES = [
  '/usr/',
  '/lib/',
  '/lib32/',
  '/lib64/',
  '/libx32/',
  '/bin/',
  '/sbin/',
  '/etc/',
  '/opt/',
  '/var/lib/',
  '/var/cache/',
  '/snap/',
  '/nix/'
];
const SYSTEM_SEGMENTS = ['/site-packages/', '/dist-packages/', '/.pyenv/versions/', '/conda/pkgs/'];
const PYTHON_STDLIB = /\/lib\/python\d+\.\d+\//;

const under = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');

/**
 * Cache folders a kernel's environment names, beyond `~/.cache`: noise like it
 * (add them to {@link PathContext.noisePrefixes}).
 */
export function cacheFoldersOf(env: Record<string, string | undefined>): string[] {
  const dirs = [env.XDG_CACHE_HOME].filter((d): d is string => typeof d === 'string' && d.startsWith('/') && d !== '/');
  return dirs.map(d => d.replace(/\/+$/, ''));
}

export function classifyPath(path: string, ctx: PathContext = {}): PathClass {
  if (NOISE_EXACT.has(path) || NOISE_PREFIXES.some(p => path.startsWith(p))) return 'noise';
  if (NOISE_SEGMENTS.some(s => path.includes(s)) || NOISE_SUFFIXES.some(s => path.endsWith(s))) return 'noise';
  // The scratch folder itself too: its workers open it (O_TMPFILE) and list it.
  if (NOISE_SEGMENTS.some(s => path.endsWith(s.slice(0, -1)))) return 'noise';
  // ipykernel writes each cell's code to <tmp>/ipykernel_<pid>/<hash>.py for tracebacks
  // and the debugger: the kernel's own machinery, which a traceback then reads.
  if (IPYKERNEL_CELL_FILES.test(path)) return 'noise';
  if (ctx.home && HOME_NOISE.some(s => path.startsWith(ctx.home + s))) return 'noise';
  if (ctx.noisePrefixes?.some(p => under(path, p))) return 'noise';
  // The notebook's own folder is user space even inside a venv's parent, but a venv
  // or site-packages inside it is software.
  if (SYSTEM_SEGMENTS.some(s => path.includes(s)) || PYTHON_STDLIB.test(path)) return 'system';
  if (ctx.softwarePrefixes?.some(p => under(path, p))) return 'system';
  if (SYSTEM_PREFIXES.some(p => path.startsWith(p)) || path === '/etc') return 'system';
  return 'user';
}

const BYTECODE = /^(.*)\/__pycache__\/([^/]+?)\.[A-Za-z]+-\d+(?:\.opt-\d+)?\.pyc$/;

/**
 * The source file a cached bytecode file stands for: `pkg/__pycache__/m.cpython-311.pyc`
 * → `pkg/m.py`. Python reads the cache instead of the source when the cache is fresh,
 * so reading one is reading the module: a first run reads `m.py`, a second `m.pyc`.
 */
export function sourceOfBytecode(path: string): string | undefined {
  const m = BYTECODE.exec(path);
  return m ? `${m[1]}/${m[2]}.py` : undefined;
}

/** A random-looking path segment: temp-file names, hashes, pids. */
const RANDOM_SEGMENT = /^(tmp[A-Za-z0-9_]{4,}|[0-9a-f]{8,}|[A-Za-z0-9_-]*\d{4,}[A-Za-z0-9_-]*|\d+)$/;

/**
 * How a path is written into metadata and lineage: relative to the notebook when
 * under it, `~/...` under the home, and random segments of temp folders replaced
 * so that two runs compare equal.
 */
export function displayPath(path: string, ctx: PathContext = {}): string {
  if (ctx.notebookDir && under(path, ctx.notebookDir)) {
    const rel = path.slice(ctx.notebookDir.length).replace(/^\//, '');
    return rel || '.';
  }
  if (path.startsWith('/tmp/') || path.startsWith('/var/tmp/')) {
    return path
      .split('/')
      .map(seg => (RANDOM_SEGMENT.test(seg) ? '<tmp>' : seg))
      .join('/');
  }
  if (ctx.home && under(path, ctx.home)) return '~' + path.slice(ctx.home.length);
  return path;
}
