/**
 * The notebook container's manifest, `manifest.json` in the archive (design point 4,
 * docs/container.md): which original paths the audited run touched, what each is
 * (file, symlink, directory), where a file's content lives in the archive (one blob
 * per content hash), the first cell that touched it, and what was left out and why.
 * Types only: the builder and the path helpers are core/container/manifest.ts.
 *
 * Archive layout (all member names relative, `/`-separated):
 *   manifest.json
 *   blobs/sha256/ab/cdef…      one per distinct content hash (blobPath)
 *   root/<original path>       the tree as it was (relativeInsideRoot)
 */
export const MANIFEST_FORMAT_VERSION = '1';

/** `sha256:` followed by 64 lowercase hex digits. */
export type ContentHash = string;

export type EntryKind = 'file' | 'symlink' | 'directory';

/** What a path is to the notebook: its interpreter and libraries, its own files, a program it ran, the notebook itself. */
export type EntryRole = 'system' | 'user' | 'executable' | 'notebook';

/** The cell execution that first touched a path (`seq` as in the session's cell records). */
export interface CellRef {
  seq: number;
  cell_id: string | null;
}

export interface ManifestEntry {
  /** Original absolute path, normalised. */
  path: string;
  kind: EntryKind;
  /** Content hash, for files. */
  hash?: ContentHash;
  /** Size in bytes, for files. */
  size?: number;
  /** Permission bits (e.g. 0o644), as a number. */
  mode: number;
  /** Modification time, seconds since the epoch (Python checks cached bytecode against it). */
  mtime?: number;
  /** Link target as read by readlink, for symlinks. */
  target?: string;
  /** First cell that touched it; absent for paths touched before the first cell (kernel start-up). */
  first_cell?: CellRef;
  role: EntryRole;
}

/**
 * Why a path the run touched has no content in the archive:
 * a secret rule, over the size limit (recorded by hash only), gone since the audit,
 * or overwritten since it was read so the content read cannot be had.
 */
export type LeftOutReason = 'secret' | 'too-large' | 'missing' | 'changed';

export interface LeftOut {
  path: string;
  reason: LeftOutReason;
  /** Human explanation: the secret rule's reason, the size limit, ... */
  rule: string;
  /** Known for too-large files (never for secrets). */
  size?: number;
  hash?: ContentHash;
  first_cell?: CellRef;
}

export interface Uname {
  sysname: string;
  release: string;
  version: string;
  machine: string;
  nodename?: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT_VERSION;
  /** ISO 8601 date and time the archive was built. */
  created_at: string;
  /** The audited notebook's original absolute path. */
  notebook: string;
  uname: Uname;
  /** Working directory of the kernel. */
  cwd: string;
  /** Environment variables kept (secret-looking ones removed). */
  environment: Record<string, string>;
  /** Names of the environment variables left out (never their values). */
  environment_removed: string[];
  /** Sorted by path. */
  entries: ManifestEntry[];
  /** Sorted by path. */
  left_out: LeftOut[];
  /** Number of distinct blobs under blobs/. */
  blobs: number;
}
