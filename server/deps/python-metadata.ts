/**
 * Installed Python distributions, read from the metadata pip (and setuptools, and
 * Debian) leave in site-packages: `*.dist-info` (METADATA, RECORD, top_level.txt) and
 * `*.egg-info` (PKG-INFO, installed-files.txt or SOURCES.txt, top_level.txt; or one
 * PKG-INFO-like file). A package folder with no metadata at all is named by its folder
 * when its source says its version (`version.py`, `_version.py`, `__version__`).
 *
 * Only the folders the run's files live in are read, each once: one readdir, then the
 * few small files of each distribution. Results are kept per folder until the
 * folder's mtime changes (installing or removing a package changes it).
 */
import { promises as fs } from 'node:fs';
import { join, posix } from 'node:path';
import { PythonDistIndex, sitePackagesOf, type PythonDistribution } from '../../core/deps/python-dists';

/** `Name:` and `Version:` from the header block of METADATA / PKG-INFO (RFC 822 style). */
export function parseMetadataHeaders(text: string): { name?: string; version?: string } {
  const out: { name?: string; version?: string } = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the description body follows
    const m = /^(Name|Version):\s*(.*?)\s*$/i.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase() as 'name' | 'version';
    if (out[key] === undefined) out[key] = m[2];
  }
  return out;
}

/** The paths of a RECORD (CSV: path,hash,size; a path with a comma is quoted). */
export function parseRecord(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    if (line.startsWith('"')) {
      let path = '';
      for (let i = 1; i < line.length; i++) {
        if (line[i] === '"' && line[i + 1] === '"') {
          path += '"';
          i++;
        } else if (line[i] === '"') break;
        else path += line[i];
      }
      paths.push(path);
    } else {
      const comma = line.indexOf(',');
      paths.push(comma < 0 ? line : line.slice(0, comma));
    }
  }
  return paths.filter(Boolean);
}

const nonEmptyLines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(Boolean);

/** What `import` would use for a distribution with no file list: `Foo-Bar` → `foo_bar`. */
const guessedImportName = (name: string) => name.toLowerCase().replace(/[-.]+/g, '_');

async function readText(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function finish(dist: PythonDistribution): PythonDistribution {
  if (!dist.files.length && !dist.topLevel.length) dist.topLevel = [guessedImportName(dist.name)];
  return dist;
}

async function readDistInfo(folder: string, entry: string): Promise<PythonDistribution | undefined> {
  const dir = join(folder, entry);
  const [metadata, record, topLevel] = await Promise.all(['METADATA', 'RECORD', 'top_level.txt'].map(f => readText(join(dir, f))));
  const { name, version } = parseMetadataHeaders(metadata ?? '');
  if (!name) return undefined;
  return finish({
    name,
    version: version ?? 'unknown',
    location: folder,
    files: record ? parseRecord(record) : [],
    topLevel: topLevel ? nonEmptyLines(topLevel) : [],
    metadataDir: entry
  });
}

/** SOURCES.txt lists the source tree: keep only files of the declared top-level names. */
function installedFromSources(sources: string, topLevel: string[]): string[] {
  const names = new Set(topLevel);
  return nonEmptyLines(sources)
    .map(line => line.replace(/^src\//, ''))
    .filter(line => names.has(line.split('/')[0]) || names.has(line.replace(/\.py$/, '')));
}

async function readEggInfo(folder: string, entry: string, isDirectory: boolean): Promise<PythonDistribution | undefined> {
  const dir = join(folder, entry);
  if (!isDirectory) {
    const { name, version } = parseMetadataHeaders((await readText(dir)) ?? '');
    return name ? finish({ name, version: version ?? 'unknown', location: folder, files: [], topLevel: [], metadataDir: entry }) : undefined;
  }
  const [pkgInfo, installed, sources, topLevelText] = await Promise.all(
    ['PKG-INFO', 'installed-files.txt', 'SOURCES.txt', 'top_level.txt'].map(f => readText(join(dir, f)))
  );
  const { name, version } = parseMetadataHeaders(pkgInfo ?? '');
  if (!name) return undefined;
  const topLevel = topLevelText ? nonEmptyLines(topLevelText) : [];
  // installed-files.txt is relative to the egg-info folder itself.
  const files = installed
    ? nonEmptyLines(installed).map(f => posix.normalize(posix.join(entry, f)))
    : sources && topLevel.length
      ? installedFromSources(sources, topLevel)
      : [];
  return finish({ name, version: version ?? 'unknown', location: folder, files, topLevel, metadataDir: entry });
}

const VERSION_FILES = ['version.py', '_version.py', '__init__.py'];
const VERSION_ASSIGNMENT = /^\s*(?:__version__|version|VERSION)\s*(?::\s*str\s*)?=\s*['"]([^'"\n]+)['"]/m;
const DUNDER_VERSION = /^\s*__version__\s*(?::\s*str\s*)?=\s*['"]([^'"\n]+)['"]/m;

/** The version a package folder with no metadata declares in its source, if any. */
export async function versionFromSource(packageDir: string): Promise<string | undefined> {
  for (const file of VERSION_FILES) {
    const text = await readText(join(packageDir, file));
    const m = text && (file === '__init__.py' ? DUNDER_VERSION : VERSION_ASSIGNMENT).exec(text);
    if (m) return m[1];
  }
  return undefined;
}

interface CachedFolder {
  mtimeMs: number;
  dists: PythonDistribution[];
}

const folderCache = new Map<string, CachedFolder>();

/** Every distribution installed in one site-packages folder (none when it does not exist). */
export async function readSitePackages(folder: string): Promise<PythonDistribution[]> {
  let mtimeMs: number;
  try {
    mtimeMs = (await fs.stat(folder)).mtimeMs;
  } catch {
    return [];
  }
  const cached = folderCache.get(folder);
  if (cached && cached.mtimeMs === mtimeMs) return cached.dists;
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  const reads = entries.map(e => {
    if (e.name.endsWith('.dist-info') && e.isDirectory()) return readDistInfo(folder, e.name);
    if (e.name.endsWith('.egg-info')) return readEggInfo(folder, e.name, e.isDirectory());
    return undefined;
  });
  const dists = (await Promise.all(reads)).filter((d): d is PythonDistribution => d !== undefined);
  folderCache.set(folder, { mtimeMs, dists });
  return dists;
}

/**
 * The distributions the given files may belong to: those of every site-packages
 * folder the files live in, plus a stand-in for each package folder that has no
 * metadata but declares a version in its source.
 */
export async function pythonDistributionsFor(paths: readonly string[]): Promise<PythonDistribution[]> {
  const folders = [...new Set(paths.map(sitePackagesOf).filter((f): f is string => f !== undefined))].sort();
  const dists = (await Promise.all(folders.map(readSitePackages))).flat();
  const index = new PythonDistIndex(dists);
  const unclaimed = new Map<string, { folder: string; name: string }>();
  for (const path of paths) {
    const folder = sitePackagesOf(path);
    if (!folder || index.ownerOf(path)) continue;
    const segments = path.slice(folder.length + 1).split('/');
    // Only package folders: a lone unclaimed module has nowhere to keep a version.
    if (segments.length < 2 || !segments[0]) continue;
    unclaimed.set(`${folder}/${segments[0]}`, { folder, name: segments[0] });
  }
  const standIns = await Promise.all(
    [...unclaimed].map(async ([dir, { folder, name }]) => {
      const version = await versionFromSource(dir);
      const standIn: PythonDistribution | undefined = version ? { name, version, location: folder, files: [], topLevel: [name] } : undefined;
      return standIn;
    })
  );
  return [...dists, ...standIns.filter((d): d is PythonDistribution => d !== undefined)];
}
