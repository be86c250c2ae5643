/**
 * The notebook container's manifest (its format and the archive's layout:
 * core/contract/manifest.ts): the builder that collects its entries and left-out
 * paths, one per original path, and pure helpers for where things sit in the archive.
 * The packer that hashes, copies and writes the tar lives elsewhere.
 */
import { MANIFEST_FORMAT_VERSION, type CellRef, type ContentHash, type LeftOut, type Manifest, type ManifestEntry } from '../contract/manifest';
import { normalizePosixPath } from './glob';

const HASH_RE = /^sha256:([0-9a-f]{64})$/;

/** Whether a string is a well-formed content hash. */
export function isContentHash(value: string): boolean {
  return HASH_RE.test(value);
}

/** Archive member name of a hash's blob: `blobs/sha256/ab/cdef…` (first two hex digits as a folder). */
export function blobPath(hash: ContentHash): string {
  const m = HASH_RE.exec(hash);
  if (!m) {
    throw new Error(`not a content hash (want "sha256:" and 64 lowercase hex digits): ${JSON.stringify(hash)}`);
  }
  return `blobs/sha256/${m[1].slice(0, 2)}/${m[1].slice(2)}`;
}

/**
 * Where an original absolute path sits under `root/` in the archive:
 * `/usr/lib/x.so` → `usr/lib/x.so` (the caller prefixes `root/`). `..` is folded
 * against the root, so the result never escapes; `/` itself maps to ``.
 */
export function relativeInsideRoot(path: string): string {
  if (!path.startsWith('/')) {
    throw new Error(`not an absolute path: ${JSON.stringify(path)}`);
  }
  if (path.includes('\0')) {
    throw new Error(`path contains a NUL byte: ${JSON.stringify(path)}`);
  }
  return normalizePosixPath(path).slice(1);
}

/**
 * Check an archive member name is safe to extract: relative, `/`-separated,
 * no `..`, `.` or empty segments, no NUL, no backslash. Returns null when the
 * name is fine, otherwise a message naming the member. A trailing `/` (a
 * directory member) is accepted.
 */
export function validateMemberName(name: string): string | null {
  const shown = JSON.stringify(name);
  if (name === '') {
    return 'archive member with an empty name';
  }
  if (name.includes('\0')) {
    return `archive member ${shown} contains a NUL byte`;
  }
  if (name.includes('\\')) {
    return `archive member ${shown} contains a backslash`;
  }
  if (name.startsWith('/')) {
    return `archive member ${shown} is an absolute path`;
  }
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const segment of body.split('/')) {
    if (segment === '') {
      return `archive member ${shown} has an empty path segment`;
    }
    if (segment === '..') {
      return `archive member ${shown} climbs out with ".."`;
    }
    if (segment === '.') {
      return `archive member ${shown} has a "." segment`;
    }
  }
  return null;
}

/** Like {@link validateMemberName} but throws the message. */
export function assertMemberName(name: string): void {
  const problem = validateMemberName(name);
  if (problem !== null) {
    throw new Error(problem);
  }
}

function byPath<T extends { path: string }>(a: T, b: T): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function earlier(a: CellRef | undefined, b: CellRef | undefined): boolean {
  // Kernel start-up (no cell) comes before every cell.
  if (b === undefined) {
    return false;
  }
  return a === undefined || a.seq < b.seq;
}

/**
 * Collects entries and left-out paths, one per original path. Feed paths in any
 * order: the record with the earliest cell wins (ties: the first one added), so the
 * manifest names the first cell that touched each path and the content it saw. A path both left out and
 * entered stays left out (a secret never turns into an entry).
 */
export class ManifestBuilder {
  private readonly entries = new Map<string, ManifestEntry>();
  private readonly leftOut = new Map<string, LeftOut>();

  /**
   * Add an entry; returns false when the path was already known. An entry from an
   * earlier cell replaces the known one whole (its hash is what that cell read).
   */
  addEntry(entry: ManifestEntry): boolean {
    const path = normalizeAbsolute(entry.path);
    if (entry.kind === 'file' && (entry.hash === undefined || !isContentHash(entry.hash))) {
      throw new Error(`file entry ${JSON.stringify(path)} needs a content hash, got ${JSON.stringify(entry.hash)}`);
    }
    const left = this.leftOut.get(path);
    if (left) {
      if (earlier(entry.first_cell, left.first_cell)) {
        this.leftOut.set(path, withCell(left, entry.first_cell));
      }
      return false;
    }
    const known = this.entries.get(path);
    if (known) {
      // The earliest observation wins whole: its hash is the content that cell saw.
      if (earlier(entry.first_cell, known.first_cell)) {
        this.entries.set(path, { ...entry, path });
      }
      return false;
    }
    this.entries.set(path, { ...entry, path });
    return true;
  }

  /** Record a path left out; it replaces an entry for the same path (keeping the earlier cell). */
  addLeftOut(item: LeftOut): boolean {
    const path = normalizeAbsolute(item.path);
    const known = this.leftOut.get(path);
    if (known) {
      if (earlier(item.first_cell, known.first_cell)) {
        this.leftOut.set(path, withCell(known, item.first_cell));
      }
      return false;
    }
    const entry = this.entries.get(path);
    let first = item.first_cell;
    if (entry) {
      this.entries.delete(path);
      if (earlier(entry.first_cell, first)) {
        first = entry.first_cell;
      }
    }
    this.leftOut.set(path, withCell({ ...item, path }, first));
    return true;
  }

  has(path: string): boolean {
    const p = normalizeAbsolute(path);
    return this.entries.has(p) || this.leftOut.has(p);
  }

  /** Distinct content hashes of the file entries, sorted: the blobs to write. */
  blobHashes(): ContentHash[] {
    const hashes = new Set<ContentHash>();
    for (const e of this.entries.values()) {
      if (e.kind === 'file' && e.hash) {
        hashes.add(e.hash);
      }
    }
    return [...hashes].sort();
  }

  getEntries(): ManifestEntry[] {
    return [...this.entries.values()].sort(byPath);
  }

  getLeftOut(): LeftOut[] {
    return [...this.leftOut.values()].sort(byPath);
  }

  /** The manifest, entries and left-out paths sorted by path. */
  build(header: Omit<Manifest, 'format' | 'entries' | 'left_out' | 'blobs'>): Manifest {
    return {
      format: MANIFEST_FORMAT_VERSION,
      ...header,
      entries: this.getEntries(),
      left_out: this.getLeftOut(),
      blobs: this.blobHashes().length
    };
  }
}

function withCell<T extends { first_cell?: CellRef }>(item: T, cell: CellRef | undefined): T {
  const copy = { ...item };
  if (cell === undefined) {
    delete copy.first_cell;
  } else {
    copy.first_cell = cell;
  }
  return copy;
}

function normalizeAbsolute(path: string): string {
  if (!path.startsWith('/')) {
    throw new Error(`manifest paths must be absolute: ${JSON.stringify(path)}`);
  }
  return normalizePosixPath(path);
}
