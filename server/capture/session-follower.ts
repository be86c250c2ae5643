/**
 * Follows a session's trace log while the kernel runs: reads what strace appended,
 * analyses it, hashes each data file as soon as a cell is seen reading it (so the
 * hash is of the content the cell read, not of what it later wrote over it), and
 * writes one record per finished cell. The same code reads a finished log offline.
 */
import { mkdirSync, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { computeLineage, eventsDigest, LINEAGE_ROOT } from '../../core/lineage/lineage';
import type { FileRecord } from '../../core/contract/metadata';
import type { CellRecord } from '../../core/contract/records';
import { classifyPath, displayPath, type PathContext } from '../../core/provenance/path-rules';
import { detach, readPathOf } from '../../core/provenance/cell-provenance';
import type { CellLineageEvents } from '../../core/contract/records';
import { concurrencyLimit } from '../system/limit';
import { SessionAnalyzer, type AnalyzedCell } from '../../core/provenance/session-analyzer';
import type { TraceEvent } from '../../core/trace/event-types';
import type { CellExecution } from '../../core/trace/markers';
import { writeFileAtomic } from '../store/atomic';
import { hashFile } from '../store/hash-file';
import { locateRun } from '../store/sessions';

export interface FollowerOptions {
  session: string;
  /** The session's run (session.json `run`), written into each record. */
  run?: string;
  /**
   * Where this run's folder is now, asked before each write: a restart moves it aside
   * (to `<id>.run-<n>`) while this follower may still be writing the last records.
   */
  locate?: () => { cellsDir: string; startupPath?: string } | undefined;
  logPath: string;
  /** Where cell records go (sessions/<id>/cells). */
  cellsDir: string;
  /** Where the software used outside cells goes (sessions/<id>/startup.json). */
  startupPath?: string;
  context: PathContext;
  initialCwd?: string;
  /** Repeats: where the sandbox shows the host's root (see SessionAnalyzer). */
  hostMount?: string;
  /** Repeats: where a path the kernel used is on the host, to hash it (default: the same path). */
  hostPathOf?: (path: string) => string;
  /** Files above this size are recorded by path and size only. */
  maxHashBytes?: number;
  pollMs?: number;
  onCell?: (record: CellRecord) => void;
}

const CHUNK = 1 << 20;
/** Files hashed at once: enough to keep up, few enough for the fd limit. */
const HASH_CONCURRENCY = 8;
/** Steps kept per sequence in a record, for diffs; lineage covers them all. */
const MAX_STEPS_KEPT = 5000;

function truncateEvents(events: CellLineageEvents): CellLineageEvents {
  const cut = (steps: string[]) =>
    steps.length > MAX_STEPS_KEPT ? [...steps.slice(0, MAX_STEPS_KEPT), `… ${steps.length - MAX_STEPS_KEPT} more steps`] : steps;
  return { main: cut(events.main), children: events.children.map(cut), pool: cut(events.pool) };
}

/** The store's paths a follower reads and writes (see server/store/sessions.ts). */
export interface FollowedSession {
  id: string;
  /** The run being followed; its folder is looked up again before each write. */
  run?: string;
  paths: { log: string; cells: string; startup: string };
}

export class SessionFollower {
  /** A follower of a session in the store: its log, its cell records, its start-up software. */
  static of(session: FollowedSession, options: Omit<FollowerOptions, 'session' | 'run' | 'locate' | 'logPath' | 'cellsDir' | 'startupPath'>): SessionFollower {
    const { id, run, paths } = session;
    const root = dirname(dirname(paths.cells));
    const locate = () => {
      const now = locateRun(id, run, root);
      return now && { cellsDir: now.cells, startupPath: now.startup };
    };
    return new SessionFollower({ session: id, run, locate, logPath: paths.log, cellsDir: paths.cells, startupPath: paths.startup, ...options });
  }

  private readonly analyzer: SessionAnalyzer;
  private offset = 0;
  private timer?: NodeJS.Timeout;
  private reading: Promise<void> = Promise.resolve();
  /** Hashes started for the open cell, by absolute path. */
  private hashes = new Map<string, Promise<FileRecord>>();
  private previousLineage = LINEAGE_ROOT;
  /** Cells finished by the analyzer, written in order. */
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly limit = concurrencyLimit(HASH_CONCURRENCY);

  constructor(private readonly opts: FollowerOptions) {
    mkdirSync(opts.cellsDir, { recursive: true, mode: 0o700 });
    this.analyzer = new SessionAnalyzer({
      context: opts.context,
      initialCwd: opts.initialCwd,
      hostMount: opts.hostMount,
      onCellEvent: (event, cell) => this.noticeRead(event, cell)
    });
  }

  start(): void {
    const tick = () => {
      this.reading = this.reading.then(() => this.readMore()).catch(() => undefined);
      if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs ?? 100);
    };
    tick();
  }

  /** The kernel has exited: read the rest, close an open cell, write everything. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reading;
    await this.readMore();
    this.finished(this.analyzer.end());
    await this.writing;
    this.saveStartup();
  }

  private savedStartupCount = -1;

  private onHost(path: string): string {
    return this.opts.hostPathOf ? this.opts.hostPathOf(path) : path;
  }

  /** This run's folders now; undefined when it has none any more (then nothing is written). */
  private where(): { cellsDir: string; startupPath?: string } | undefined {
    return this.opts.locate ? this.opts.locate() : { cellsDir: this.opts.cellsDir, startupPath: this.opts.startupPath };
  }

  private saveStartup(where = this.where()): void {
    if (!where?.startupPath || this.analyzer.outsideCount === this.savedStartupCount) return;
    this.savedStartupCount = this.analyzer.outsideCount;
    writeFileAtomic(where.startupPath, JSON.stringify(this.analyzer.outsideUse()) + '\n');
  }

  private async readMore(): Promise<void> {
    let handle;
    try {
      handle = await fs.open(this.opts.logPath, 'r');
    } catch {
      return; // strace has not created it yet
    }
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.finished(this.analyzer.push(buffer.subarray(0, bytesRead)));
      }
    } finally {
      await handle.close();
    }
  }

  private noticeRead(event: TraceEvent, _cell: CellExecution): void {
    const opened = readPathOf(event);
    if (opened === undefined) return;
    if (this.hashes.has(opened) || classifyPath(opened, this.opts.context) !== 'user') return;
    // The job may wait in the queue: let it hold copies, not the event (which pins its log chunk).
    const path = detach(opened);
    const shown = detach(displayPath(path, this.opts.context));
    const readAt = event.time;
    this.hashes.set(
      path,
      this.limit(() => hashFile(this.onHost(path), shown, { maxBytes: this.opts.maxHashBytes, readAt }))
    );
  }

  private finished(cells: AnalyzedCell[]): void {
    for (const cell of cells) {
      const hashes = this.hashes;
      this.hashes = new Map();
      this.writing = this.writing.then(() => this.write(cell, hashes));
    }
  }

  private async write(analyzed: AnalyzedCell, hashes: Map<string, Promise<FileRecord>>): Promise<void> {
    const { cell, provenance } = analyzed;
    const ctx = this.opts.context;
    const reads = await Promise.all(
      provenance.reads.map(
        r =>
          hashes.get(r.path) ??
          this.limit(() => hashFile(this.onHost(r.path), displayPath(r.path, ctx), { maxBytes: this.opts.maxHashBytes, readAt: r.firstReadTime }))
      )
    );
    // Outputs are hashed as the cell left them.
    const writes = await Promise.all(
      provenance.writes.map(p => this.limit(() => hashFile(this.onHost(p), displayPath(p, ctx), { maxBytes: this.opts.maxHashBytes })))
    );
    const previousLineage = this.previousLineage;
    const lineage = await computeLineage(previousLineage, provenance.lineageEvents, reads);
    this.previousLineage = lineage;
    const record: CellRecord = {
      session: this.opts.session,
      ...(this.opts.run !== undefined ? { run: this.opts.run } : {}),
      seq: cell.seq,
      cellId: cell.cellId,
      ...(cell.codeHash ? { codeHash: cell.codeHash } : {}),
      executionCount: cell.executionCount,
      beginTime: cell.beginTime,
      endTime: cell.endTime,
      closedBy: analyzed.closedBy,
      reads,
      writes,
      readPaths: provenance.reads.map(r => r.path),
      writePaths: provenance.writes,
      programs: provenance.programs,
      software: provenance.software,
      softwareListed: provenance.softwareListed,
      softwareProbed: provenance.softwareProbed,
      fallThrough: provenance.fallThrough,
      notFound: provenance.notFound,
      network: provenance.network,
      systemFilesRead: provenance.systemFilesRead,
      systemFilesWritten: provenance.systemFilesWritten,
      processes: provenance.processes,
      events: provenance.events,
      lineageEvents: truncateEvents(provenance.lineageEvents),
      eventsDigest: await eventsDigest(provenance.lineageEvents),
      previousLineage,
      lineage
    };
    const where = this.where();
    if (where) {
      // Start-up software first: whoever sees this record may package the session at once.
      this.saveStartup(where);
      writeFileAtomic(join(where.cellsDir, `${cell.seq}.json`), JSON.stringify(record) + '\n');
    }
    this.opts.onCell?.(record);
  }
}
