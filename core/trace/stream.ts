/**
 * Streaming reader of an strace log: text (or bytes) in, in chunks split anywhere;
 * complete records out. A call strace printed in two halves (`<unfinished ...>` then
 * `<... NAME resumed>`, with other pids' lines between) comes out as one syscall.
 *
 * Memory stays bounded: besides the current partial line, only the unfinished call
 * of each pid is kept, and a pid can be inside one call at a time.
 */
import { ExitLine, KilledLine, SignalLine, SupersededLine, SyscallLine, UnfinishedLine, UnknownLine, parseCallBody, parseLine } from './parse-line';

interface Numbered {
  /** 1-based line number in the log where the record starts. */
  line: number;
}
export interface SyscallRecord extends SyscallLine, Numbered {
  /** When the call was split: when it finished (time is when it started). */
  resumedTime?: number;
  resumedLine?: number;
  /**
   * `no-result`: the call never resumed (the process died, or the log ended);
   * `no-start`: a resume whose start the log does not have. Arguments are partial.
   */
  incomplete?: 'no-result' | 'no-start';
}
export type UnfinishedRecord = UnfinishedLine & Numbered;
export type SignalRecord = SignalLine & Numbered;
export type ExitRecord = ExitLine & Numbered;
export type KilledRecord = KilledLine & Numbered;
export type SupersededRecord = SupersededLine & Numbered;
export type UnknownRecord = UnknownLine & Numbered & { oversized?: boolean };
/** What the stream emits. `unfinished` only when `announceUnfinished` is set. */
export type TraceRecord = SyscallRecord | UnfinishedRecord | SignalRecord | ExitRecord | KilledRecord | SupersededRecord | UnknownRecord;

export interface TraceStreamOptions {
  /**
   * Also emit each `unfinished` half when it is read (the merged call still comes
   * later). Lets the event model see a clone before the child's own lines.
   */
  announceUnfinished?: boolean;
  /** A line longer than this (no newline yet) is emitted as `unknown` and skipped. */
  maxLineLength?: number;
}

const DEFAULT_MAX_LINE = 4 * 1024 * 1024;

export class TraceStream {
  private carry = '';
  private skippingOversized = false;
  private lineNumber = 0;
  private readonly pending = new Map<number, UnfinishedRecord>();
  private readonly decoder = new TextDecoder('utf-8');
  private readonly announceUnfinished: boolean;
  private readonly maxLineLength: number;

  constructor(options: TraceStreamOptions = {}) {
    this.announceUnfinished = options.announceUnfinished ?? false;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE;
  }

  /** Calls begun and not yet resumed (at most one per live pid). */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Characters held for a line whose newline has not arrived. */
  get bufferedChars(): number {
    return this.carry.length;
  }

  /** Feed the next chunk; bytes may split a UTF-8 character, text may split a line. */
  push(chunk: string | Uint8Array): TraceRecord[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: TraceRecord[] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (this.skippingOversized) {
        this.skippingOversized = false;
        this.carry = '';
        continue;
      }
      const line = this.carry ? this.carry + piece : piece;
      this.carry = '';
      this.lineNumber++;
      this.acceptLine(line, out);
    }
    if (!this.skippingOversized) this.carry += text.slice(start);
    if (this.carry.length > this.maxLineLength) {
      this.lineNumber++;
      out.push({ type: 'unknown', text: this.carry.slice(0, 200), line: this.lineNumber, oversized: true });
      this.carry = '';
      this.skippingOversized = true;
    }
    return out;
  }

  /** The log is complete: flush the last line and every call that never resumed. */
  end(): TraceRecord[] {
    const out: TraceRecord[] = [];
    const tail = this.carry + this.decoder.decode();
    this.carry = '';
    if (tail && !this.skippingOversized) {
      this.lineNumber++;
      this.acceptLine(tail, out);
    }
    for (const pid of [...this.pending.keys()]) this.flushPending(pid, out);
    return out;
  }

  private acceptLine(text: string, out: TraceRecord[]): void {
    if (text === '') return;
    const parsed = parseLine(text);
    const line = this.lineNumber;
    switch (parsed.type) {
      case 'unfinished': {
        const record: UnfinishedRecord = { ...parsed, line };
        // A thread's execve finishes under the leader's pid: wait for it there.
        const waitPid = parsed.continuesAs ?? parsed.pid;
        this.flushPending(waitPid, out);
        this.pending.set(waitPid, record);
        if (this.announceUnfinished) out.push(record);
        return;
      }
      case 'resumed': {
        const start = this.pending.get(parsed.pid);
        if (start && start.name === parsed.name) {
          this.pending.delete(parsed.pid);
          out.push(this.merge(start, parsed.restRaw, parsed.result?.raw, parsed.time, line));
          return;
        }
        if (start) this.flushPending(parsed.pid, out);
        out.push(this.orphanResume(parsed.pid, parsed.time, parsed.name, parsed.restRaw, parsed.result?.raw, line));
        return;
      }
      case 'exit':
      case 'killed':
        // A process that ends inside a call never resumes it.
        this.flushPending(parsed.pid, out);
        out.push({ ...parsed, line });
        return;
      default:
        out.push({ ...parsed, line });
    }
  }

  private merge(start: UnfinishedRecord, rest: string, resultRaw: string | undefined, resumedTime: number, resumedLine: number): SyscallRecord {
    // strace splits between arguments, so the halves join back into one call text.
    const body = `${start.argsRaw}${rest}) = ${resultRaw ?? '?'}`;
    const pid = start.continuesAs ?? start.pid;
    const call = parseCallBody(start.name, body, { pid, time: start.time });
    const record: SyscallRecord = call
      ? { ...call, line: start.line, resumedTime, resumedLine }
      : { ...this.bare(start.name, pid, start.time, start.line, body), resumedTime, resumedLine };
    if (resultRaw === undefined) record.incomplete = 'no-result';
    return record;
  }

  private orphanResume(pid: number, time: number, name: string, rest: string, resultRaw: string | undefined, line: number): SyscallRecord {
    const call = parseCallBody(name, `${rest}) = ${resultRaw ?? '?'}`, { pid, time });
    const record: SyscallRecord = call ? { ...call, line } : this.bare(name, pid, time, line, rest);
    record.incomplete = 'no-start';
    return record;
  }

  private flushPending(pid: number, out: TraceRecord[]): void {
    const start = this.pending.get(pid);
    if (!start) return;
    this.pending.delete(pid);
    const pendingPid = start.continuesAs ?? start.pid;
    const call = parseCallBody(start.name, `${start.argsRaw}) = ?`, { pid: pendingPid, time: start.time });
    const record: SyscallRecord = call ? { ...call, line: start.line } : this.bare(start.name, pendingPid, start.time, start.line, start.argsRaw);
    record.incomplete = 'no-result';
    out.push(record);
  }

  private bare(name: string, pid: number, time: number, line: number, argsRaw: string): SyscallRecord {
    return { type: 'syscall', pid, time, line, name, argsRaw, args: [], result: { value: null, raw: '?' } };
  }
}

/** Read a whole log held in memory (tests, small logs). */
export function parseTrace(text: string, options?: TraceStreamOptions): TraceRecord[] {
  const stream = new TraceStream(options);
  return [...stream.push(text), ...stream.end()];
}
