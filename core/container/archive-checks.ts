/**
 * The rules a container archive must pass before anything of it reaches the disk
 * (docs/container.md, "Reading an archive safely"). Pure functions over member
 * headers and the parsed manifest; the unpacker (server/container/unpack.ts) does
 * the reading and writing and wraps the problems found here with the archive's name.
 *
 * Problems are returned as messages that name the member (or manifest entry),
 * never thrown, so the unpacker decides how to report them.
 */
import { ok, problem, type Checked } from './checked';
import { validateMemberName } from './manifest';
import type { ContentHash } from '../contract/manifest';
import { symlinkTargetProblem } from './link-checks';

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
  return problem(`${shown} is not part of the container format (expected ${TOP_LEVEL_FILES.join(', ')}, provenance/, blobs/ or root/)`);
}

function planRootMember(header: MemberHeader, name: string, shown: string, blobsSeen: BlobsSeen): Checked<MemberPlan> {
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

export type { Checked } from './checked';
export * from './link-checks';
export * from './manifest-checks';
export * from './root-plan';
