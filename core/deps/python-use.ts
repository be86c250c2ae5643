/**
 * Whether a run imported a Python distribution or only saw it. Reading a file of a
 * distribution is not importing it: `importlib.metadata.entry_points()` (which dask,
 * IPython and Jupyter call) opens the `entry_points.txt` of every distribution in
 * site-packages, `importlib.metadata.version()` opens a METADATA, and site.py reads
 * every `.pth` file at start-up. Those distributions are present, not imported;
 * a module, extension, data file or script of theirs being read or run is a use.
 * Pure, and runs in the browser too.
 */
import type { PythonUse } from '../contract/dependencies';
import { sitePackagesOf } from './python-dists';

/** Top-level entries of site-packages that describe distributions rather than being part of them. */
const METADATA_ENTRY = /\.(dist-info|egg-info|pth|egg-link)$/;

/**
 * Whether a file is distribution metadata: inside a `*.dist-info` or `*.egg-info`
 * folder (or such a file), or a `.pth` at the top of site-packages. A `.pth` that
 * imports something (setuptools' `distutils-precedence.pth`) makes the module it
 * imports read, which counts on its own.
 */
export function isPythonMetadataFile(path: string): boolean {
  const folder = sitePackagesOf(path);
  if (!folder) return false;
  const first = path.slice(folder.length + 1).split('/')[0];
  return METADATA_ENTRY.test(first);
}

/** How a file being read uses the distribution that owns it. */
export const pythonUseOf = (path: string): PythonUse => (isPythonMetadataFile(path) ? 'present' : 'imported');

/** A site-packages folder itself (not a folder inside one): listing it sees every distribution installed there. */
export const isSitePackagesFolder = (path: string): boolean => sitePackagesOf(path) === path.replace(/\/+$/, '');
