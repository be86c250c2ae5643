/**
 * The rules a container archive must pass before anything of it reaches the disk
 * (docs/container.md, "Reading an archive safely"). Pure functions over member
 * headers and the parsed manifest; the unpacker (server/container/unpack.ts) does
 * the reading and writing and wraps the problems found here with the archive's name.
 *
 * Problems are returned as messages that name the member (or manifest entry),
 * never thrown, so the unpacker decides how to report them.
 */
import { normalizePosixPath } from './glob';
import {
  blobPath,
  isContentHash,
  MANIFEST_FORMAT_VERSION,
  relativeInsideRoot,
  validateMemberName,
  type ContentHash,
  type Manifest,
  type ManifestEntry
} from './manifest';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const problem = <T>(message: string): Checked<T> => ({ ok: false, problem: message });

/** What the unpacker needs to know of a tar member's header (node-tar's type names). */
export interface MemberHeader {
  name: string;
  /** node-tar's type name: `File`, `Directory`, `SymbolicLink`, `Link`, `CharacterDevice`, ... */
  type: string;
  /** Target of a symbolic or hard link. */
  linkpath?: string;
}

/** The blob members read so far (a Set or a Map keyed by member name). */
export type BlobsSeen = { has(name: string): boolean };

/** What to do with a member that passed the checks. */
export type MemberPlan =
  /** A regular file to write at `name` inside the unpack folder. */
  | { action: 'extract'; name: string }
  /** A blob to write at `name`; its content must hash to `hash`. */
  | { action: 'extract-blob'; name: string; hash: ContentHash }
  /** A folder member: nothing to write (folders are made as files need them). */
  | { action: 'folder' }
  /** A `root/` member: checked, then skipped, because `root/` is rebuilt from the manifest. */
  | { action: 'skip-root' };

/** The top-level files of the format (docs/container.md, "Layout"). */
export const TOP_LEVEL_FILES: readonly string[] = ['manifest.json', 'notebook.ipynb', 'deps.json'];

const BLOB_NAME_RE = /^blobs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62})$/;
const BLOB_FOLDER_RE = /^blobs(\/sha256(\/[0-9a-f]{2})?)?$/;
const REGULAR_FILE_TYPES = new Set(['File', 'OldFile']);

const SPECIAL_TYPE_WORDS: Record<string, string> = {
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO (named pipe)'
};

/** The content hash a blob member is named after, or undefined when `name` is not a blob's name. */
export function blobHashOfMember(name: string): ContentHash | undefined {
  const m = BLOB_NAME_RE.exec(name);
  return m ? `sha256:${m[1]}${m[2]}` : undefined;
}

/**
 * Where a symbolic link's target lands, as a path relative to the container's root
 * (`` for the root itself), or undefined when it leaves the root. `linkPath` is the
 * link's own root-relative path (`usr/bin/python3`). An absolute target means the
 * container's root (`/usr/bin/x` → `usr/bin/x`); a relative one is resolved against
 * the link's folder. Any `..` that would climb above the root counts as leaving it,
 * even in an absolute target, where the kernel would have stopped at `/`: a real
 * readlink result never needs that, and a crafted one should not be given the benefit.
 */
export function resolveLinkInsideRoot(linkPath: string, target: string): string | undefined {
  const resolved: string[] = [];
  if (!target.startsWith('/')) {
    resolved.push(...linkPath.split('/').filter((s) => s !== ''));
    resolved.pop(); // the link's own name: relative targets start from its folder
  }
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      if (resolved.length === 0) {
        return undefined;
      }
      resolved.pop();
      continue;
    }
    resolved.push(segment);
  }
  return resolved.join('/');
}

/**
 * Check a symbolic link's target. `shown` is the link as the message names it
 * (`archive member "root/x"`, `manifest entry "/x"`); `linkPath` is its root-relative path.
 */
export function symlinkTargetProblem(shown: string, linkPath: string, target: string): string | null {
  if (target === '') {
    return `${shown} is a symbolic link with an empty target`;
  }
  if (target.includes('\0')) {
    return `${shown} is a symbolic link whose target contains a NUL byte`;
  }
  if (resolveLinkInsideRoot(linkPath, target) === undefined) {
    return `${shown} is a symbolic link to ${JSON.stringify(target)}, which leaves the container's root/`;
  }
  return null;
}

/**
 * Decide what to do with one tar member, or why it is refused.
 * `blobsSeen` holds the blob members read so far: a hard link must name one of
 * them (tar hard links refer to an earlier member).
 */
export function planMember(header: MemberHeader, blobsSeen: BlobsSeen): Checked<MemberPlan> {
  const shown = `archive member ${JSON.stringify(header.name)}`;
  const nameProblem = validateMemberName(header.name);
  if (nameProblem !== null) {
    return problem(nameProblem);
  }
  const special = SPECIAL_TYPE_WORDS[header.type];
  if (special !== undefined) {
    return problem(`${shown} is ${special}; a container holds only files, folders and links`);
  }
  const isFolder = header.type === 'Directory';
  const isFile = REGULAR_FILE_TYPES.has(header.type);
  if (!isFolder && !isFile && header.type !== 'SymbolicLink' && header.type !== 'Link') {
    return problem(`${shown} has the unsupported type ${JSON.stringify(header.type)}`);
  }
  if (!isFolder && header.name.endsWith('/')) {
    return problem(`${shown} ends with "/" but is not a folder`);
  }
  const name = isFolder && header.name.endsWith('/') ? header.name.slice(0, -1) : header.name;

  if (name === 'root' || name.startsWith('root/')) {
    return planRootMember(header, name, shown, blobsSeen);
  }
  if (header.type === 'SymbolicLink') {
    return problem(`${shown} is a symbolic link outside root/`);
  }
  if (header.type === 'Link') {
    if (blobHashOfMember(name) !== undefined) {
      // What a tar writer produces when a root/ file is stored before its blob.
      return problem(`${shown} is a hard link, but a blob must be a regular file stored before the root/ links to it`);
    }
    return problem(`${shown} is a hard link outside root/`);
  }
  if (TOP_LEVEL_FILES.includes(name)) {
    return isFile ? ok({ action: 'extract', name }) : problem(`${shown} must be a regular file`);
  }
  if (name === 'provenance' || name.startsWith('provenance/')) {
    if (isFolder) {
      return ok({ action: 'folder' });
    }
    return name === 'provenance' ? problem(`${shown} must be a folder`) : ok({ action: 'extract', name });
  }
  if (BLOB_FOLDER_RE.test(name)) {
    return isFolder ? ok({ action: 'folder' }) : problem(`${shown} must be a folder`);
  }
  const hash = blobHashOfMember(name);
  if (hash !== undefined) {
    return isFile ? ok({ action: 'extract-blob', name, hash }) : problem(`${shown} is a blob but not a regular file`);
  }
  if (name.startsWith('blobs/')) {
    return problem(`${shown} is not named like a blob (blobs/sha256/xx/ and 62 more lowercase hex digits)`);
  }
  return problem(
    `${shown} is not part of the container format (expected ${TOP_LEVEL_FILES.join(', ')}, provenance/, blobs/ or root/)`
  );
}

function planRootMember(
  header: MemberHeader,
  name: string,
  shown: string,
  blobsSeen: BlobsSeen
): Checked<MemberPlan> {
  if (name === 'root') {
    return header.type === 'Directory' ? ok({ action: 'folder' }) : problem(`${shown} must be a folder`);
  }
  const linkpath = header.linkpath ?? '';
  if (header.type === 'Link') {
    if (validateMemberName(linkpath) !== null || blobHashOfMember(linkpath) === undefined) {
      return problem(`${shown} is a hard link to ${JSON.stringify(linkpath)}; hard links may only point to a blob`);
    }
    if (!blobsSeen.has(linkpath)) {
      return problem(`${shown} is a hard link to the blob ${JSON.stringify(linkpath)}, which comes later or not at all`);
    }
  }
  if (header.type === 'SymbolicLink') {
    const linkProblem = symlinkTargetProblem(shown, name.slice('root/'.length), linkpath);
    if (linkProblem !== null) {
      return problem(linkProblem);
    }
  }
  return ok({ action: 'skip-root' });
}

// ---------------------------------------------------------------------------
// The manifest

const KINDS = new Set(['file', 'symlink', 'directory']);
const ROLES = new Set(['system', 'user', 'executable', 'notebook']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
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
    return fail(
      `unsupported format ${JSON.stringify(value.format)} (this retrace reads format ${JSON.stringify(MANIFEST_FORMAT_VERSION)})`
    );
  }
  for (const key of ['created_at', 'notebook', 'cwd'] as const) {
    if (typeof value[key] !== 'string') {
      return fail(`"${key}" must be a string`);
    }
  }
  const uname = value.uname;
  if (!isRecord(uname) || !['sysname', 'release', 'version', 'machine'].every((k) => typeof uname[k] === 'string')) {
    return fail('"uname" must hold the strings sysname, release, version and machine');
  }
  if (!isRecord(value.environment) || !Object.values(value.environment).every((v) => typeof v === 'string')) {
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
export function missingBlobProblem(
  manifest: Manifest,
  blobSizes: ReadonlyMap<string, number>
): { member: string; problem: string } | null {
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
