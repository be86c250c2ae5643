/**
 * What one cell execution did, built event by event from the cell's slice of the
 * trace: data files read and written, programs run, endpoints touched, and the
 * abstracted event sequences lineage is computed from.
 *
 * Processes play three roles in a cell, compared in three ways (FLINC IV-D: time,
 * pids, fds and temp names abstracted; children compared as per-process sequences):
 *  - the kernel's main thread (the one that marked the cell): one ordered sequence;
 *  - processes the cell started (a `!` command and its children): one sequence each,
 *    compared as a sorted multiset, since their scheduling order is not stable;
 *  - the pool: worker processes (Dask, Work Queue, TaskVine...), processes that
 *    outlive cells, and the kernel's other threads. Which worker or thread runs which
 *    task changes from run to run, so their events are compared as one set.
 * System files (software) are counted, not put in lineage: a font cache built on a
 * first run and read on a second must not change it; software is pinned by the
 * container instead.
 */
import type { CellLineageEvents } from '../contract/records';
import type { SocketType, TraceEvent } from '../trace/event-types';
import type { Endpoint } from '../trace/sockaddr';
import { classifyPath, displayPath, type PathContext } from './path-rules';
import { detach, openedPath, readPathOf } from './event-paths';
import { SoftwareCollector } from './software-collector';

export { detach, openedPath, readPathOf };

/** argv of a process that serves tasks rather than doing the cell's own work. */
const WORKER_ARGV = /multiprocessing|spawn_main|forkserver|resource_tracker|distributed|dask[-_ ]?worker|work_queue_worker|vine_worker|ray::/;

/** Enough missing files to explain a failure, not a whole import search. */
const MAX_NOT_FOUND = 200;

/** Steps only the cell's own processes contribute: workers' heartbeats reconnect whenever. */
const FOREGROUND_ONLY = /^(connect|bind):/;

export interface FileAccess {
  /** Absolute path. */
  path: string;
  /** When the cell first read it (trace clock, seconds). */
  firstReadTime?: number;
}

export interface CellProvenance {
  reads: FileAccess[];
  writes: string[];
  programs: string[];
  /** System files read and programs run (absolute paths, sorted): what packaging needs. */
  software: string[];
  /** System folders listed, and system paths only probed (stat/access): packaging adds what they need (SoftwareUse). */
  softwareListed: string[];
  softwareProbed: string[];
  /** Repeats: files the sandbox took from the host, not the container (sorted). */
  fallThrough: string[];
  /** Data files the cell tried to open that did not exist (sorted, capped). */
  notFound: string[];
  network: string[];
  listed: string[];
  systemFilesRead: number;
  systemFilesWritten: number;
  processes: number;
  events: number;
  lineageEvents: CellLineageEvents;
}

export interface ProcessFacts {
  /** Thread group leader of a task. */
  leaderOf(pid: number): number;
  /** argv of a process, when it exec'd in the trace. */
  argvOf(pid: number): string[] | undefined;
}

/** How a socket type is written: TCP and UDP for inet streams and datagrams; `inet` when the trace does not say. */
function transportOf(type: SocketType | undefined): string {
  if (type === 'stream') return 'tcp';
  if (type === 'dgram') return 'udp';
  return type ?? 'inet';
}

/** An endpoint as metadata shows it; undefined for local IPC (unix sockets, netlink). */
export function endpointText(e: Endpoint | undefined, type?: SocketType): string | undefined {
  if (!e || e.family === 'unix' || e.family === 'other') return undefined;
  const transport = transportOf(type);
  const loopback = e.address.startsWith('127.') || e.address === '::1' || e.address === '::ffff:127.0.0.1';
  // Loopback ports are picked afresh each run (schedulers, workers): abstract them.
  if (loopback) return `${transport}:loopback:*`;
  if (e.address === '0.0.0.0' || e.address === '::') return `${transport}:any:${e.port}`;
  return `${transport}:${e.address}:${e.port}`;
}

export class CellProvenanceBuilder {
  private readonly reads = new Map<string, FileAccess>();
  private readonly writes = new Set<string>();
  private readonly createdHere = new Set<string>();
  private readonly programs: string[] = [];
  private readonly network = new Set<string>();
  private readonly listed = new Set<string>();
  private readonly systemRead = new Set<string>();
  private readonly systemWritten = new Set<string>();
  private readonly processes = new Set<number>();
  private readonly startedHere = new Set<number>();
  /** Who started each process started in the cell (its creator's process). */
  private readonly startedBy = new Map<number, number>();
  /** argv of the processes that exec'd in the cell, as they exec'd (a process gone by the end is forgotten by the table). */
  private readonly ranProgram = new Map<number, string[]>();
  /**
   * Steps that run installed software: a pool's are start-up machinery, not the cell's
   * doing; a child made of nothing else touched no data.
   */
  private readonly softwareRuns = new Set<string>();
  /** The kernel process: the main thread's thread group. */
  private readonly kernel: number;
  private readonly main: string[] = [];
  /** Steps of every task but the main thread, by process; roles are decided at the end, once every spawn is known. */
  private readonly others = new Map<number, string[]>();
  /** Files created and removed within the cell (as displayed): temporaries, left out of lineage. */
  private readonly temporaries = new Set<string>();
  /** One copy of each distinct step: a file read a thousand times costs one string. */
  private readonly interned = new Map<string, string>();
  private readonly software: SoftwareCollector;
  private readonly fallThrough = new Set<string>();
  private readonly notFound = new Set<string>();
  private count = 0;

  constructor(
    /** The kernel's main thread: the task that marked the cell's begin. */
    private readonly mainPid: number,
    private readonly facts: ProcessFacts,
    private readonly ctx: PathContext
  ) {
    this.software = new SoftwareCollector(ctx);
    this.kernel = facts.leaderOf(mainPid);
  }

  add(event: TraceEvent): void {
    this.software.add(event);
    const leader = this.facts.leaderOf(event.pid);
    if (event.kind === 'spawn' && !event.thread && event.child) {
      this.startedHere.add(event.child);
      this.startedBy.set(event.child, leader);
    }
    if (event.kind === 'exec' && event.ok) this.ranProgram.set(leader, event.argv);
    const text = this.describe(event);
    if (event.kind !== 'signal') this.processes.add(leader);
    if (!text) return;
    this.count++;
    let step = this.interned.get(text);
    if (step === undefined) this.interned.set((step = detach(text)), step);
    if (event.pid === this.mainPid) this.main.push(step);
    else {
      let steps = this.others.get(leader);
      if (!steps) this.others.set(leader, (steps = []));
      steps.push(step);
    }
  }

  noteFallThrough(path: string): void {
    if (classifyPath(path, this.ctx) !== 'noise') this.fallThrough.add(detach(path));
  }

  /** The lineage step an event contributes, recording its provenance on the way. */
  private describe(e: TraceEvent): string | undefined {
    switch (e.kind) {
      case 'open': {
        // O_TMPFILE makes a file with no name (Dask's scratch space does, as its workers
        // start): nothing can read it by name before or after, so it is neither an input
        // nor an output, only a timing-dependent open of the folder.
        if (e.tmpfile) return undefined;
        const path = detach(readPathOf(e) ?? openedPath(e));
        const cls = classifyPath(path, this.ctx);
        if (cls === 'noise' || e.pathOnly) return undefined;
        // A file created afresh or truncated is not read for what it held before.
        const reads = e.access !== 'write' && !e.truncate && !(e.create && e.exclusive);
        const writes = e.access !== 'read';
        if (cls === 'system') {
          if (e.ok && reads) this.systemRead.add(path);
          if (e.ok && writes) this.systemWritten.add(path);
          return undefined;
        }
        if (e.ok) {
          const seen = this.reads.has(path) || this.writes.has(path);
          if (writes && e.create && !seen) this.createdHere.add(path);
          if (reads && !seen) this.reads.set(path, { path, firstReadTime: e.time });
          if (writes) this.writes.add(path);
        }
        // A failed attempt to create or write (EEXIST before an overwrite) moves no data.
        if (!e.ok && writes) return undefined;
        if (!e.ok && e.errno === 'ENOENT' && this.notFound.size < MAX_NOT_FOUND) this.notFound.add(path);
        const mode = e.access === 'read' ? 'r' : e.access === 'write' ? (e.append ? 'a' : 'w') : 'rw';
        return `open:${mode}${e.ok ? '' : '!' + (e.errno ?? 'ERR')}:${displayPath(path, this.ctx)}`;
      }
      case 'listdir': {
        if (e.ok && classifyPath(e.path, this.ctx) === 'user') this.listed.add(detach(e.path));
        return undefined;
      }
      case 'exec': {
        if (!e.ok) return undefined;
        if (!this.programs.includes(e.path)) this.programs.push(detach(e.path));
        // Numbers standing alone (fds, pids, ports: `tracker_fd=5`) change between runs.
        const argv = e.argv.map(a => (a.startsWith('/') ? displayPath(a, this.ctx) : a).replace(/\b\d+\b/g, '#'));
        const step = `exec:${displayPath(e.path, this.ctx)} ${JSON.stringify(argv)}`;
        if (classifyPath(e.path, this.ctx) !== 'user') this.softwareRuns.add(step);
        return step;
      }
      case 'connect':
      case 'bind': {
        const where = endpointText(e.endpoint, e.socketType);
        if (!where) return undefined;
        this.network.add(where);
        return `${e.kind}:${where}`;
      }
      case 'mkdir':
      case 'rmdir':
        // Folders carry no content, and `makedirs(exist_ok=True)` succeeds on a first
        // run and fails on a second: not part of lineage.
        return undefined;
      case 'unlink': {
        if (classifyPath(e.path, this.ctx) !== 'user' || !e.ok) return undefined;
        if (this.createdHere.has(e.path)) {
          // created and removed within the cell: a temporary file, not an output
          this.writes.delete(e.path);
          this.reads.delete(e.path);
          this.temporaries.add(displayPath(e.path, this.ctx));
        }
        // Removing a file moves no data into the cell; and tools remove their old
        // outputs only when a previous run left them (gzip -f), so it is not lineage.
        return undefined;
      }
      case 'rename': {
        if (!e.ok || classifyPath(e.to, this.ctx) !== 'user') return undefined;
        this.writes.delete(e.from);
        this.writes.add(detach(e.to));
        return `rename:${displayPath(e.from, this.ctx)}->${displayPath(e.to, this.ctx)}`;
      }
      default:
        return undefined;
    }
  }

  /**
   * A process the cell started to run a program (a `!` command, `subprocess.run`) and
   * its descendants, unless it serves tasks. Processes a worker or another pool process
   * started (`uname -p` as a Dask worker starts) are the pool's: when they run depends
   * on when the workers start, not on the cell. So are forks of the kernel that run no
   * program (multiprocessing's fork workers): which of them gets which task is timing.
   */
  private isChild(leader: number, depth = 0): boolean {
    if (!this.startedHere.has(leader) || depth > 64) return false;
    const argv = (this.ranProgram.get(leader) ?? this.facts.argvOf(leader))?.join(' ') ?? '';
    if (WORKER_ARGV.test(argv)) return false;
    const parent = this.startedBy.get(leader);
    if (parent === this.kernel) return this.ranProgram.has(leader);
    return parent !== undefined && this.isChild(parent, depth + 1);
  }

  /** Whether a pool step is part of lineage: no network (heartbeats), no start-up runs of installed programs. */
  private poolKeeps(step: string): boolean {
    return !FOREGROUND_ONLY.test(step) && !this.softwareRuns.has(step);
  }

  finish(): CellProvenance {
    // Steps are `open:<mode>:<path>` and the like: a temporary's steps end with its path.
    const temporary = (step: string) => this.temporaries.size > 0 && this.temporaries.has(step.slice(step.lastIndexOf(':') + 1));
    const keep = (steps: string[]) => steps.filter(step => !temporary(step));
    const children: string[][] = [];
    const pool = new Set<string>();
    for (const [leader, steps] of this.others) {
      const kept = keep(steps);
      if (this.isChild(leader)) {
        // A process that only ran installed programs read and wrote no data: what it
        // printed reaches the notebook as outputs. Whether it runs at all can depend on
        // a cache (matplotlib runs fc-list only to build its font list in a fresh HOME).
        if (kept.length && !kept.every(step => this.softwareRuns.has(step))) children.push(kept);
      } else kept.filter(step => this.poolKeeps(step)).forEach(step => pool.add(step));
    }
    children.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    const software = this.software.finish();
    return {
      reads: [...this.reads.values()],
      writes: [...this.writes],
      programs: [...this.programs],
      software: software.software,
      softwareListed: software.listed ?? [],
      softwareProbed: software.probed ?? [],
      fallThrough: [...this.fallThrough].sort(),
      notFound: [...this.notFound].sort(),
      network: [...this.network].sort(),
      listed: [...this.listed].sort(),
      systemFilesRead: this.systemRead.size,
      systemFilesWritten: this.systemWritten.size,
      processes: this.processes.size,
      events: this.count,
      lineageEvents: { main: keep(this.main), children, pool: [...pool].sort() }
    };
  }
}
