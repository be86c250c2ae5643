/**
 * The record the audit launcher writes per cell execution (sessions/<id>/cells/<seq>.json):
 * everything the trace says about the cell, with content hashes taken as it ran.
 * Frontend and CLI turn it into the cell's `retrace` metadata once they add what only
 * they know: the source that ran and whether the kernel replied with an error.
 */
import type { FileRecord } from '../metadata/types';
import type { CellLineageEvents } from './cell-provenance';

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
