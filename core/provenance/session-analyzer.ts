/**
 * From raw trace text to finished cells, streaming: chunks in, one result out per
 * cell execution as soon as its end mark is read. Memory holds the process table,
 * the open cell's provenance and any unfinished calls, never the whole log.
 */
import { EventBuilder } from '../trace/events';
import { CellSplitter, type CellExecution, type Segment } from '../trace/markers';
import { TraceStream } from '../trace/stream';
import type { TraceEvent } from '../trace/event-types';
import { CellProvenanceBuilder, type CellProvenance } from './cell-provenance';
import type { PathContext } from './path-rules';
import { SoftwareCollector } from './software-collector';
import type { SoftwareUse } from '../container/usage';

export interface AnalyzedCell {
  cell: CellExecution;
  /** How the cell's slice ended: its own end mark, or the log stopped mid-cell. */
  closedBy: 'end' | 'next-begin' | 'stream-end';
  provenance: CellProvenance;
}

export interface SessionAnalyzerOptions {
  context: PathContext;
  /** Accept only the marks of this kernel agent instance. */
  nonce?: string;
  initialCwd?: string;
  /**
   * Where a repeat sandbox shows the host's own root (`/.retrace-host`): a file
   * reached through it fell through to the host. Such paths are reported per cell
   * and mapped back to the host path they stand for.
   */
  hostMount?: string;
  /** Told about each event of an open cell as it is read (e.g. to hash inputs at once). */
  onCellEvent?: (event: TraceEvent, cell: CellExecution) => void;
}

export class SessionAnalyzer {
  // Announcing unfinished calls lets a clone be seen before the child's own lines.
  private readonly stream = new TraceStream({ announceUnfinished: true });
  private readonly builder: EventBuilder;
  private readonly splitter: CellSplitter;
  private open?: { segment: Extract<Segment, { kind: 'cell' }>; provenance: CellProvenanceBuilder };
  /** Software used outside cells: kernel start-up, workers importing between cells. */
  private readonly outside: SoftwareCollector;

  constructor(private readonly options: SessionAnalyzerOptions) {
    this.builder = new EventBuilder({ initialCwd: options.initialCwd });
    this.splitter = new CellSplitter({ nonce: options.nonce });
    this.outside = new SoftwareCollector(options.context, true);
  }

  /** Software used outside cells so far. */
  outsideUse(): SoftwareUse {
    return this.outside.finish();
  }

  /** Number of software paths used outside cells so far (cheap: tells when to save them again). */
  get outsideCount(): number {
    return this.outside.size;
  }

  /** Feed the next piece of the log; returns the cells it completed. */
  push(chunk: string | Uint8Array): AnalyzedCell[] {
    const done: AnalyzedCell[] = [];
    for (const record of this.stream.push(chunk)) {
      for (const event of this.builder.push(record)) this.consume(event, done);
    }
    return done;
  }

  /** The log is complete (the kernel exited): close what is open. */
  end(): AnalyzedCell[] {
    const done: AnalyzedCell[] = [];
    for (const record of this.stream.end()) {
      for (const event of this.builder.push(record)) this.consume(event, done);
    }
    this.splitter.finish();
    this.close(done);
    return done;
  }

  private consume(event: TraceEvent, done: AnalyzedCell[]): void {
    const fellThrough = this.fromHost(event);
    const { segment, marker } = this.splitter.push(event);
    if (this.open && segment !== this.open.segment) this.close(done);
    if (segment.kind !== 'cell') {
      // kernel start-up, idle time: no cell's doing, but software all the same
      this.outside.add(event);
      return;
    }
    if (!this.open) {
      const processes = this.builder.processes;
      this.open = {
        segment,
        provenance: new CellProvenanceBuilder(
          segment.cell.pid,
          { leaderOf: pid => processes.leaderOf(pid), argvOf: pid => processes.get(pid)?.argv },
          this.options.context
        )
      };
    }
    if (marker) {
      // the mark itself is not the cell's doing; its end closes the cell now
      if (segment.closedBy === 'end') this.close(done);
      return;
    }
    this.open.provenance.add(event);
    if (fellThrough) this.open.provenance.noteFallThrough(fellThrough);
    this.options.onCellEvent?.(event, segment.cell);
  }

  /** Map a path reached through the host mount back to the host path; returns it (as the program named it) when so. */
  private fromHost(event: TraceEvent): string | undefined {
    const mount = this.options.hostMount;
    if (!mount) return undefined;
    const strip = (p: string) => (p.startsWith(mount + '/') ? p.slice(mount.length) : undefined);
    // A program may name the host mount itself (a realpath() it took of a fall-through link).
    const named = 'path' in event && typeof event.path === 'string' ? strip(event.path) : undefined;
    if (named !== undefined) (event as { path: string }).path = named;
    const real = (event.kind === 'open' || event.kind === 'listdir') && event.realPath ? strip(event.realPath) : undefined;
    if (real !== undefined) (event as { realPath?: string }).realPath = real;
    if (event.kind !== 'open' || !event.ok || (named === undefined && real === undefined)) return undefined;
    return event.path;
  }

  private close(done: AnalyzedCell[]): void {
    if (!this.open) return;
    const { segment, provenance } = this.open;
    this.open = undefined;
    done.push({ cell: segment.cell, closedBy: segment.closedBy ?? 'stream-end', provenance: provenance.finish() });
  }
}
