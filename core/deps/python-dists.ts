/**
 * Which Python distribution owns a file. Pure: the metadata comes parsed (see
 * server/deps/python-metadata.ts), so the matching rules are unit-tested on their own.
 *
 * A file under a site-packages (or Debian's dist-packages) folder belongs to the
 * distribution whose RECORD lists it; failing that, to the one that provides its
 * top-level import name (`.../site-packages/sklearn/x.py` → the dist providing
 * `sklearn`, i.e. `scikit-learn`). A file of the interpreter's own library
 * (`PREFIX/lib/python3.X/...` outside site-packages) belongs to a pseudo-distribution
 * for the standard library.
 */
import type { PythonOwner } from '../contract/dependencies';

/** One installed distribution, as its metadata describes it. */
export interface PythonDistribution {
  /** As in METADATA / PKG-INFO `Name:` (e.g. `scikit-image`, not `skimage`). */
  name: string;
  version: string;
  /** The site-packages (or dist-packages) folder it is installed in. */
  location: string;
  /** Files it installed, relative to `location` (RECORD style: may start with `../` for scripts). */
  files: string[];
  /** Importable top-level names (top_level.txt); derived from `files` when empty. */
  topLevel: string[];
  /** Its own metadata folder or file (`numpy-2.1.0.dist-info`), relative to `location`: reading it is using it. */
  metadataDir?: string;
}

export const STDLIB_NAME = 'python (standard library)';

/** `a/b/../c` → `a/c` for absolute `/`-separated paths (no node:path: this module also runs in the browser). */
export function joinNormalized(folder: string, relative: string): string {
  const out: string[] = [];
  for (const seg of `${folder}/${relative}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

const SITE_FOLDER = /^(.*?\/(?:site|dist)-packages)(?:\/|$)/;
/** PREFIX/lib/pythonX.Y/...; the prefix is what `sys.base_prefix` would say. */
const STDLIB_FILE = /^(.*)\/lib(?:64)?\/python(\d+\.\d+)\/(.+)$/;

/** The site-packages or dist-packages folder a path lives in, if any. */
export function sitePackagesOf(path: string): string | undefined {
  return SITE_FOLDER.exec(path)?.[1];
}

/** The standard-library pseudo-distribution for a file of the interpreter's own library. */
export function stdlibOwnerOf(path: string): PythonOwner | undefined {
  if (sitePackagesOf(path)) return undefined;
  const m = STDLIB_FILE.exec(path);
  if (!m) return undefined;
  return { name: STDLIB_NAME, version: m[2], location: m[1] || '/' };
}

/** `six.py` → `six`; `_cffi_backend.cpython-311-x86_64-linux-gnu.so` → `_cffi_backend`; `numpy` → `numpy`. */
export function importNameOf(segment: string): string {
  const dot = segment.indexOf('.');
  return dot > 0 ? segment.slice(0, dot) : segment;
}

/** Entries of a RECORD that say nothing about import names. */
const NOT_A_TOP_LEVEL = /(\.dist-info|\.egg-info|\.data|\.pth)$|^(__pycache__|\.\.|\.)$/;

function topLevelNames(dist: PythonDistribution): string[] {
  if (dist.topLevel.length) return dist.topLevel.map(n => n.split('/')[0]).filter(Boolean);
  const names = new Set<string>();
  for (const file of dist.files) {
    const first = file.split('/')[0];
    if (!NOT_A_TOP_LEVEL.test(first)) names.add(importNameOf(first));
  }
  return [...names];
}

const ownerOf = (dist: PythonDistribution): PythonOwner => ({ name: dist.name, version: dist.version, location: dist.location });

/** Maps paths to distributions; build once per report, ask per path. */
export class PythonDistIndex {
  /** Absolute installed file → owner (from RECORD and installed-files.txt). */
  private readonly byFile = new Map<string, PythonOwner>();
  /** `folder\0import-name` → owners providing that name there, best first. */
  private readonly byTopLevel = new Map<string, PythonOwner[]>();

  constructor(dists: readonly PythonDistribution[]) {
    // Sorted so that when two dists claim one name the choice does not depend on readdir order.
    const sorted = [...dists].sort((a, b) => a.location.localeCompare(b.location) || a.name.localeCompare(b.name));
    for (const dist of sorted) {
      const owner = ownerOf(dist);
      for (const file of dist.files) {
        const abs = joinNormalized(dist.location, file);
        if (!this.byFile.has(abs)) this.byFile.set(abs, owner);
      }
      const names = topLevelNames(dist);
      if (dist.metadataDir) names.push(dist.metadataDir);
      for (const name of names) {
        const key = `${dist.location}\0${name}`;
        const owners = this.byTopLevel.get(key) ?? [];
        owners.push(owner);
        this.byTopLevel.set(key, owners);
      }
    }
  }

  /** The distribution (or the standard library) a file belongs to; undefined when none. */
  ownerOf(path: string): PythonOwner | undefined {
    const listed = this.byFile.get(path);
    if (listed) return listed;
    const folder = sitePackagesOf(path);
    if (!folder) return stdlibOwnerOf(path);
    const rest = path.slice(folder.length + 1);
    if (!rest) return undefined;
    const first = rest.split('/')[0];
    // Its metadata folder, a lone module at the top (`six.py`) or anything in a package folder (`sklearn/...`).
    const owners = this.byTopLevel.get(`${folder}\0${first}`) ?? this.byTopLevel.get(`${folder}\0${importNameOf(first)}`);
    return owners?.[0];
  }
}

/** Each path's owner; paths no distribution owns are absent. */
export function mapPythonOwners(dists: readonly PythonDistribution[], paths: readonly string[]): Map<string, PythonOwner> {
  const index = new PythonDistIndex(dists);
  const owners = new Map<string, PythonOwner>();
  for (const path of paths) {
    const owner = index.ownerOf(path);
    if (owner) owners.set(path, owner);
  }
  return owners;
}
