/**
 * What the session store records, as the launchers write it and the companion serves
 * it: the session (sessions/<id>/session.json) and, per cell execution, the record
 * (sessions/<id>/cells/<seq>.json): everything the trace says about the cell, with
 * content hashes taken as it ran. Frontend and CLI turn a record into the cell's
 * `retrace` metadata once they add what only they know: the source that ran and
 * whether the kernel replied with an error.
 */
import type { FileRecord } from './metadata';
import type { RepeatMode } from './repeat-mode';

/** What the store records about one kernel session. */
export interface SessionMeta {
  id: string;
  /**
   * This start of the kernel's launcher. A restart keeps the kernel id (and the
   * folder's name: the earlier run's is moved aside), so records are told apart by it.
   * Absent in sessions recorded before runs had ids.
   */
  run?: string;
  kind: 'audit' | 'repeat';
  /** Repeats: the container the kernel ran in. */
  container?: {
    archive: string;
    hash: string;
    mode: RepeatMode;
    auditSession?: string;
    restored?: string[];
    overridden?: string[];
    timings?: { openMs: number; hostFilesMs: number; viewMs: number };
    viewLinks?: { fromContainer: number; toHost: number };
  };
  startedAt: string;
  /** The kernel runs under strace; false when auditing could not work here. */
  audited: boolean;
  /** Why the session is not audited, and how to fix it. */
  notAuditedReason?: string;
  python: string;
  strace?: { path: string; version?: string; seccompBpf: boolean };
  /** argv of the traced command (no secrets: the connection file is named, not read). */
  argv: string[];
  launcherPid: number;
  cwd: string;
  /** The kernel's environment minus secret-looking variables (their names are in environmentRemoved). */
  environment?: Record<string, string>;
  environmentRemoved?: string[];
  endedAt?: string;
  exitCode?: number | null;
  exitSignal?: string | null;
  /** The launcher's peak resident memory in KiB (it follows and analyses the trace). */
  launcherMaxRssKb?: number;
}

/**
 * A cell's abstracted event sequences, what its lineage hashes (FLINC IV-D; built by
 * core/provenance/cell-provenance.ts): the kernel's main thread's, one per process
 * the cell started, and the worker pool's as one set.
 */
export interface CellLineageEvents {
  main: string[];
  children: string[][];
  pool: string[];
}

/** The record of one cell execution. */
export interface CellRecord {
  session: string;
  /** The run of the session that made it (session.json `run`): see record-match.ts. */
  run?: string;
  seq: number;
  cellId: string | null;
  /** 16 hex digits of the SHA-256 of the code the kernel ran (the agent's begin mark); absent from older sessions. */
  codeHash?: string;
  executionCount: number;
  /** Seconds since the epoch, from the trace. */
  beginTime: number;
  endTime?: number;
  /** 'end': the cell finished; otherwise the kernel died or was cut off during it. */
  closedBy: 'end' | 'next-begin' | 'stream-end';
  reads: FileRecord[];
  writes: FileRecord[];
  /** Absolute paths of `reads` and `writes`, same order (theirs are for display: relative, `~`, temp names abstracted). */
  readPaths: string[];
  writePaths: string[];
  programs: string[];
  /** System files read and programs run, absolute and as named (symlinks kept), sorted. */
  software: string[];
  /** System folders listed and system paths only probed (see SoftwareUse); absent in older records. */
  softwareListed?: string[];
  softwareProbed?: string[];
  /** Repeats: files taken from the host, not the container. */
  fallThrough?: string[];
  /** Data files the cell tried to open that did not exist. */
  notFound?: string[];
  network: string[];
  systemFilesRead: number;
  systemFilesWritten: number;
  processes: number;
  events: number;
  lineageEvents: CellLineageEvents;
  eventsDigest: string;
  previousLineage: string;
  lineage: string;
}
