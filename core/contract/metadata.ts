/**
 * What retrace writes into a notebook, under the key `retrace` in the notebook's
 * metadata and in each code cell's metadata. The JSON Schema in
 * schema/metadata/retrace-metadata.schema.json describes the same shape and is the
 * reference; docs/metadata.md explains it. Large detail stays in the session store
 * and is referenced by hash.
 */

import type { RepeatMode } from './repeat-mode';
import type { CellVerdict } from './verdict';

export const METADATA_KEY = 'retrace';
export const SPEC_VERSION = '1.2.0';

/** `sha256:` followed by 64 lowercase hex digits. */
export type Digest = string;

/** A data file a cell read or wrote. */
export interface FileRecord {
  /** Relative to the notebook's folder when under it, else absolute. */
  path: string;
  /** Content hash as the file was when read (reads) or after the cell (writes); absent when it could not be had. */
  sha256?: Digest;
  size?: number;
  /** Why there is no hash, or why it may not be the content the cell saw. */
  note?: 'deleted' | 'unreadable' | 'changed-before-hashed' | 'too-large' | 'directory';
}

export interface CellCounts {
  /** System and library files (interpreter, packages, shared libraries, /etc) touched. */
  system_files_read: number;
  system_files_written: number;
  /** Processes (not threads) that ran during the cell, the kernel included. */
  processes: number;
  /** Events recorded for the cell after noise was filtered out. */
  events: number;
}

export type CellStatus = 'complete' | 'error' | 'incomplete';

export interface RetraceCellMetadata {
  /** H(source): tells whether the cell was edited since the audit. */
  code_hash: Digest;
  /** H(previous lineage, abstracted events, hashes of files read): FLINC Definition 1. */
  lineage: Digest;
  execution_count: number | null;
  /** ISO 8601, from the trace's own clock. */
  started_at: string;
  duration_ms: number;
  /** complete; error (the cell raised); incomplete (the kernel died during the cell). */
  status: CellStatus;
  files: { read: FileRecord[]; written: FileRecord[] };
  /** Programs executed (absolute paths, first run order). */
  programs: string[];
  /** Network endpoints connected to or bound, abstracted (`tcp:127.0.0.1:*` for ephemeral loopback ports). */
  network: string[];
  counts: CellCounts;
  /** Where the full detail lives: the session id and the digest of the cell's event record. */
  log: { session: string; seq: number; events_sha256: Digest };
  /** Written by a repeat: how this cell compared with its audit. */
  verdict?: CellVerdict;
}

export interface RepeatSummary {
  total: number;
  reproduced: number;
  changed: number;
  diverged: number;
  failed: number;
}

export interface RetraceNotebookMetadata {
  spec_version: string;
  audit: {
    session: string;
    started_at: string;
    kernel: string;
    retrace_version: string;
  };
  environment: {
    python: string;
    ipykernel?: string;
    platform: string;
    machine: string;
    strace?: string;
  };
  /** The container a repeat uses (archive relative to the notebook, or absolute). */
  container?: { archive: string; mode?: RepeatMode };
  /** The last repeat. */
  repeat?: {
    session: string;
    finished_at: string;
    container?: { archive?: string; sha256?: Digest; mode?: RepeatMode };
    summary: RepeatSummary;
  };
}
