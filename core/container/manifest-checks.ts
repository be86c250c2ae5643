/**
 * The rules a container's manifest.json must pass (docs/container.md, "Reading an
 * archive safely"): its shape, format "1", absolute normalised paths, no entry below
 * a symbolic link, every file's blob present. Pure; problems are returned, never thrown.
 */
import { normalizePosixPath } from './glob';
import { symlinkTargetProblem } from './link-checks';
import { blobPath, isContentHash, relativeInsideRoot } from './manifest';
import { MANIFEST_FORMAT_VERSION, type Manifest, type ManifestEntry } from '../contract/manifest';
import { ok, problem, type Checked } from './checked';

const KINDS = new Set(['file', 'symlink', 'directory']);
const ROLES = new Set(['system', 'user', 'executable', 'notebook']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Problem with a manifest path, or null: absolute, normalised, no NUL. */
export function manifestPathProblem(path: unknown): string | null {
  if (typeof path !== 'string') {
    return `path ${JSON.stringify(path)} is not a string`;
  }
  if (path.includes('\0')) {
    return `path ${JSON.stringify(path)} contains a NUL byte`;
  }
  if (!path.startsWith('/')) {
    return `path ${JSON.stringify(path)} is not absolute`;
  }
  if (normalizePosixPath(path) !== path) {
    return `path ${JSON.stringify(path)} is not normalised (it has "//", "." or ".." segments or a trailing "/")`;
  }
  return null;
}

function entryProblem(entry: unknown, index: number): string | null {
  if (!isRecord(entry)) {
    return `entry ${index} is not an object`;
  }
  const pathProblem = manifestPathProblem(entry.path);
  if (pathProblem !== null) {
    return `entry ${index}: ${pathProblem}`;
  }
  const path = entry.path as string;
  const shown = `entry ${JSON.stringify(path)}`;
  if (typeof entry.kind !== 'string' || !KINDS.has(entry.kind)) {
    return `${shown} has an unknown kind ${JSON.stringify(entry.kind)}`;
  }
  if (typeof entry.role !== 'string' || !ROLES.has(entry.role)) {
    return `${shown} has an unknown role ${JSON.stringify(entry.role)}`;
  }
  if (!isNonNegativeInteger(entry.mode) || entry.mode > 0o7777) {
    return `${shown} has an invalid mode ${JSON.stringify(entry.mode)}`;
  }
  if (entry.mtime !== undefined && (typeof entry.mtime !== 'number' || !Number.isFinite(entry.mtime))) {
    return `${shown} has an invalid mtime ${JSON.stringify(entry.mtime)}`;
  }
  if (path === '/' && entry.kind !== 'directory') {
    return `${shown} must be a directory`;
  }
  if (entry.kind === 'file') {
    if (typeof entry.hash !== 'string' || !isContentHash(entry.hash)) {
      return `${shown} is a file without a valid content hash (${JSON.stringify(entry.hash)})`;
    }
    if (!isNonNegativeInteger(entry.size)) {
      return `${shown} has an invalid size ${JSON.stringify(entry.size)}`;
    }
  }
  if (entry.kind === 'symlink') {
    if (typeof entry.target !== 'string') {
      return `${shown} is a symbolic link without a target`;
    }
    const linkProblem = symlinkTargetProblem(shown, relativeInsideRoot(path), entry.target);
    if (linkProblem !== null) {
      return linkProblem;
    }
  }
  return null;
}

/** Ancestors of an absolute normalised path, nearest first: `/a/b/c` → `/a/b`, `/a`. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) {
    out.push(path.slice(0, at));
  }
  return out;
}

/**
 * Entries that would be written through a symbolic link, or below a file: refused,
 * since building `root/` would then write outside the path the manifest names.
 */
function treeProblem(entries: ManifestEntry[]): string | null {
  const kinds = new Map<string, string>();
  for (const entry of entries) {
    if (kinds.has(entry.path)) {
      return `entry ${JSON.stringify(entry.path)} appears twice`;
    }
    kinds.set(entry.path, entry.kind);
  }
  for (const entry of entries) {
    for (const parent of ancestors(entry.path)) {
      const kind = kinds.get(parent);
      if (kind === 'symlink') {
        const [below, link] = [JSON.stringify(entry.path), JSON.stringify(parent)];
        return `entry ${below} is below ${link}, which the manifest says is a symbolic link`;
      }
      if (kind === 'file') {
        return `entry ${JSON.stringify(entry.path)} is below ${JSON.stringify(parent)}, which the manifest says is a file`;
      }
    }
  }
  return null;
}

/** Validate a parsed manifest.json: its shape, format "1", and the rules on paths and links. */
export function checkManifest(value: unknown): Checked<Manifest> {
  const fail = (message: string): Checked<Manifest> => problem(`manifest.json: ${message}`);
  if (!isRecord(value)) {
    return fail('not a JSON object');
  }
  if (value.format !== MANIFEST_FORMAT_VERSION) {
    return fail(`unsupported format ${JSON.stringify(value.format)} (this retrace reads format ${JSON.stringify(MANIFEST_FORMAT_VERSION)})`);
  }
  for (const key of ['created_at', 'notebook', 'cwd'] as const) {
    if (typeof value[key] !== 'string') {
      return fail(`"${key}" must be a string`);
    }
  }
  const uname = value.uname;
  if (!isRecord(uname) || !['sysname', 'release', 'version', 'machine'].every(k => typeof uname[k] === 'string')) {
    return fail('"uname" must hold the strings sysname, release, version and machine');
  }
  if (!isRecord(value.environment) || !Object.values(value.environment).every(v => typeof v === 'string')) {
    return fail('"environment" must map names to strings');
  }
  if (!isStringArray(value.environment_removed)) {
    return fail('"environment_removed" must be a list of names');
  }
  if (!isNonNegativeInteger(value.blobs)) {
    return fail('"blobs" must be a count');
  }
  if (!Array.isArray(value.entries)) {
    return fail('"entries" must be a list');
  }
  for (let i = 0; i < value.entries.length; i++) {
    const entryIssue = entryProblem(value.entries[i], i);
    if (entryIssue !== null) {
      return fail(entryIssue);
    }
  }
  const tree = treeProblem(value.entries as ManifestEntry[]);
  if (tree !== null) {
    return fail(tree);
  }
  if (!Array.isArray(value.left_out)) {
    return fail('"left_out" must be a list');
  }
  for (const [i, item] of value.left_out.entries()) {
    if (!isRecord(item) || typeof item.path !== 'string' || typeof item.reason !== 'string' || typeof item.rule !== 'string') {
      return fail(`left_out ${i} needs the strings path, reason and rule`);
    }
  }
  return ok(value as unknown as Manifest);
}

/** Parse and validate manifest.json's text. */
export function parseManifest(text: string): Checked<Manifest> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return problem(`manifest.json is not valid JSON (${(e as Error).message})`);
  }
  return checkManifest(value);
}

/**
 * The first manifest file whose blob is not in the archive, or whose recorded size
 * is not the blob's: `blobSizes` maps the blob members read (and verified) to their sizes.
 */
export function missingBlobProblem(manifest: Manifest, blobSizes: ReadonlyMap<string, number>): { member: string; problem: string } | null {
  for (const entry of manifest.entries) {
    if (entry.kind === 'file' && entry.hash !== undefined) {
      const member = blobPath(entry.hash);
      const size = blobSizes.get(member);
      const [path, blob] = [JSON.stringify(entry.path), JSON.stringify(member)];
      if (size === undefined) {
        return { member, problem: `manifest entry ${path} needs the blob ${blob}, which is not in the archive` };
      }
      if (entry.size !== undefined && entry.size !== size) {
        return { member, problem: `manifest entry ${path} says ${entry.size} bytes but its blob ${blob} has ${size}` };
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Building root/ from the manifest
