/**
 * The software a stretch of the trace used: system files opened for reading and
 * programs executed. Packaging needs every one of them (start-up included), and the
 * dependency report maps them to packages; lineage does not look at them.
 * Besides, for packaging only: the system folders listed (importlib.metadata finds a
 * distribution by listing site-packages, never opening its dist-info) and the system
 * paths whose existence was tested but never opened (Python's start-up only stats its
 * landmark `lib/python3.X/os.py`).
 */
import type { SoftwareUse } from '../container/usage';
import type { TraceEvent } from '../trace/event-types';
import { classifyPath, type PathContext } from './path-rules';
import { detach, namedReadPathOf, readPathOf } from './event-paths';

/** Paths probed per stretch of trace: a bound on what a run of `os.path.exists` over a tree can add. */
const MAX_PROBED = 20000;

export class SoftwareCollector {
  private readonly software = new Set<string>();
  private readonly programs: string[] = [];
  private readonly seenPrograms = new Set<string>();
  private readonly listed = new Set<string>();
  private readonly probed = new Set<string>();

  /**
   * `anyClass`: keep user-class files too. Outside cells everything read is the
   * kernel's machinery (an editable install's modules live in a project folder).
   */
  constructor(
    private readonly ctx: PathContext,
    private readonly anyClass = false
  ) {}

  add(e: TraceEvent): void {
    if (e.kind === 'listdir' || e.kind === 'stat' || e.kind === 'access') {
      this.noteLookup(e);
      return;
    }
    if (e.kind === 'exec' && e.ok) {
      if (!this.seenPrograms.has(e.path)) {
        const path = detach(e.path);
        this.seenPrograms.add(path);
        this.programs.push(path);
        this.software.add(path);
      }
      return;
    }
    const named = namedReadPathOf(e);
    if (named === undefined) return;
    // The cached bytecode itself too, besides its source: with it (and the source's
    // time kept) a repeat loads modules as the audit did instead of compiling them again.
    const bytecode = e.kind === 'open' && e.path.startsWith('/') && e.path !== named ? e.path : undefined;
    if (this.software.has(named) && (bytecode === undefined || this.software.has(bytecode))) return;
    // Judged by where it leads: a link in the notebook's folder to a library is software.
    const cls = classifyPath(readPathOf(e)!, this.ctx);
    if (cls !== 'system' && !(this.anyClass && cls === 'user')) return;
    this.software.add(detach(named));
    if (bytecode !== undefined) this.software.add(detach(bytecode));
  }

  /** A folder listed, or a path found to exist, among the software. */
  private noteLookup(e: Extract<TraceEvent, { kind: 'listdir' | 'stat' | 'access' }>): void {
    if (!e.ok || e.unresolved || !e.path.startsWith('/') || (e.kind === 'stat' && e.byFd)) return;
    const into = e.kind === 'listdir' ? this.listed : this.probed;
    if (into.has(e.path) || (into === this.probed && into.size >= MAX_PROBED)) return;
    // System paths only, even at start-up: the kernel probes the user's folders too (cwd, home).
    if (classifyPath(e.kind === 'listdir' ? (e.realPath ?? e.path) : e.path, this.ctx) !== 'system') return;
    into.add(detach(e.path));
  }

  get size(): number {
    return this.software.size + this.listed.size + this.probed.size;
  }

  finish(): SoftwareUse {
    const probed = [...this.probed].filter(p => !this.software.has(p)).sort();
    return { software: [...this.software].sort(), programs: [...this.programs], listed: [...this.listed].sort(), probed };
  }
}
