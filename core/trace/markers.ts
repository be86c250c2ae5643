/**
 * Cell markers and the per-cell split of the event stream.
 *
 * The kernel agent (jupyterlab_retrace/kernel_agent.py) stats a path that never
 * exists at the start and end of every cell execution:
 *   /__retrace__/<nonce>/<begin|end>/<seq>/<execution_count>/<cell_id>[/<code>]
 * strace records it in order with everything else, so the split needs no clocks.
 * The begin mark carries execution count 0 (IPython only knows it at the end), and
 * `<code>`: the first 16 hex digits of the SHA-256 of the code the kernel ran, so a
 * notebook run by another client can be matched with its executions (older agents
 * leave it out).
 */
import type { TraceEvent } from './event-types';

export const MARKER_ROOT = '/__retrace__';

export interface CellMarker {
  nonce: string;
  edge: 'begin' | 'end';
  /** Increases by one per cell execution within a kernel session. */
  seq: number;
  executionCount: number;
  /** The notebook cell id, or null when the agent did not know it (`-`). */
  cellId: string | null;
  /** Begin marks: 16 hex digits of the SHA-256 of the code run; null when not given. */
  codeHash: string | null;
}

const MARKER_PATH = /^\/__retrace__\/([a-z0-9]+)\/(begin|end)\/(\d+)\/(\d+)\/([A-Za-z0-9_-]{1,64})(?:\/([0-9a-f]{16}))?$/;
const STAT_CALLS = new Set(['stat', 'lstat', 'stat64', 'lstat64', 'newfstatat', 'fstatat64', 'statx']);

export function parseMarkerPath(path: string): CellMarker | null {
  const m = MARKER_PATH.exec(path);
  if (!m) return null;
  return {
    nonce: m[1],
    edge: m[2] as 'begin' | 'end',
    seq: Number(m[3]),
    executionCount: Number(m[4]),
    cellId: m[5] === '-' ? null : m[5],
    codeHash: m[6] ?? null
  };
}

/** The marker a stat event is, or null for every other event. */
export function markerOf(event: TraceEvent): CellMarker | null {
  if (event.kind !== 'stat' || event.byFd || !STAT_CALLS.has(event.syscall ?? '')) return null;
  if (!event.path.startsWith(MARKER_ROOT + '/')) return null;
  return parseMarkerPath(event.path);
}

export interface CellExecution {
  nonce: string;
  seq: number;
  /** 0 until the end mark says the real count. */
  executionCount: number;
  cellId: string | null;
  /** From the begin mark: 16 hex digits of the SHA-256 of the code run, or null. */
  codeHash: string | null;
  /** The task that marked the begin (the kernel's main thread). */
  pid: number;
  beginTime: number;
  endTime?: number;
}

export type Segment =
  /** Before the first cell: kernel startup. */
  | { kind: 'startup'; index: number }
  | {
      kind: 'cell';
      index: number;
      cell: CellExecution;
      /** How it ended: its end mark, a next begin without an end, or the end of the log. */
      closedBy?: 'end' | 'next-begin' | 'stream-end';
    }
  /** After a cell's end and before the next begin (workers, heartbeats, idle kernel). */
  | { kind: 'between'; index: number; afterSeq: number };

export interface AssignedEvent {
  event: TraceEvent;
  /** Shared by every event of the segment; cell fields fill in as marks arrive. */
  segment: Segment;
  /** Set on the marker events themselves, which belong to the cell they delimit. */
  marker?: CellMarker;
}

/** Something odd about the marks, kept so a report can say why a split looks off. */
export interface MarkerAnomaly {
  marker: CellMarker;
  line: number;
  problem: 'end-without-begin' | 'end-of-other-cell' | 'begin-inside-cell' | 'seq-not-increasing';
}

export interface CellSplitterOptions {
  /** Accept only this session's marks; others stay ordinary events. */
  nonce?: string;
}

/**
 * Streaming segmenter: each event goes to the segment open when it appears in the
 * log. Events of other pids (worker processes, threads) interleave and are assigned
 * by that order too; they keep their pid so later code can group per process.
 * A call split by strace appears where it resumed (when its result happened).
 */
export class CellSplitter {
  private segment: Segment = { kind: 'startup', index: 0 };
  private last?: { nonce: string; seq: number };
  readonly anomalies: MarkerAnomaly[] = [];

  constructor(private readonly options: CellSplitterOptions = {}) {}

  get current(): Segment {
    return this.segment;
  }

  push(event: TraceEvent): AssignedEvent {
    const marker = markerOf(event);
    if (!marker || (this.options.nonce !== undefined && marker.nonce !== this.options.nonce)) {
      return { event, segment: this.segment };
    }
    return marker.edge === 'begin' ? this.begin(event, marker) : this.end(event, marker);
  }

  /** The log ended: close an open cell. */
  finish(): Segment {
    if (this.segment.kind === 'cell' && !this.segment.closedBy) this.segment.closedBy = 'stream-end';
    return this.segment;
  }

  private begin(event: TraceEvent, marker: CellMarker): AssignedEvent {
    if (this.segment.kind === 'cell' && !this.segment.closedBy) {
      this.segment.closedBy = 'next-begin';
      this.anomalies.push({ marker, line: event.line, problem: 'begin-inside-cell' });
    }
    if (this.last && this.last.nonce === marker.nonce && marker.seq <= this.last.seq) {
      this.anomalies.push({ marker, line: event.line, problem: 'seq-not-increasing' });
    }
    this.last = { nonce: marker.nonce, seq: marker.seq };
    const cell: CellExecution = {
      nonce: marker.nonce,
      seq: marker.seq,
      executionCount: marker.executionCount,
      cellId: marker.cellId,
      codeHash: marker.codeHash,
      pid: event.pid,
      beginTime: event.time
    };
    this.segment = { kind: 'cell', index: this.segment.index + 1, cell };
    return { event, segment: this.segment, marker };
  }

  private end(event: TraceEvent, marker: CellMarker): AssignedEvent {
    const open = this.segment;
    if (open.kind !== 'cell' || open.closedBy) {
      this.anomalies.push({ marker, line: event.line, problem: 'end-without-begin' });
      return { event, segment: open, marker };
    }
    if (open.cell.seq !== marker.seq || open.cell.nonce !== marker.nonce) {
      // Not this cell's end: leave the cell open, its own end may still come.
      this.anomalies.push({ marker, line: event.line, problem: 'end-of-other-cell' });
      return { event, segment: open, marker };
    }
    open.cell.executionCount = marker.executionCount;
    if (marker.cellId !== null) open.cell.cellId = marker.cellId;
    open.cell.endTime = event.time;
    open.closedBy = 'end';
    const assigned: AssignedEvent = { event, segment: open, marker };
    this.segment = { kind: 'between', index: open.index + 1, afterSeq: open.cell.seq };
    return assigned;
  }
}

/** Assign every event of a sequence to its segment (lazily, so it streams). */
export function* splitByCell(events: Iterable<TraceEvent>, options?: CellSplitterOptions): Generator<AssignedEvent, Segment, undefined> {
  const splitter = new CellSplitter(options);
  for (const event of events) yield splitter.push(event);
  return splitter.finish();
}
