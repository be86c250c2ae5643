/**
 * The software a stretch of the trace used: system files opened for reading and
 * programs executed. Packaging needs every one of them (start-up included), and the
 * dependency report maps them to packages; lineage does not look at them.
 */
import type { SoftwareUse } from '../container/usage';
import type { TraceEvent } from '../trace/event-types';
import { classifyPath, type PathContext } from './path-rules';
import { detach, namedReadPathOf, readPathOf } from './event-paths';

export class SoftwareCollector {
  private readonly software = new Set<string>();
  private readonly programs: string[] = [];
  private readonly seenPrograms = new Set<string>();

  /**
   * `anyClass`: keep user-class files too. Outside cells everything read is the
   * kernel's machinery (an editable install's modules live in a project folder).
   */
  constructor(
    private readonly ctx: PathContext,
    private readonly anyClass = false
  ) {}

  add(e: TraceEvent): void {
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

  get size(): number {
    return this.software.size;
  }

  finish(): SoftwareUse {
    return { software: [...this.software].sort(), programs: [...this.programs] };
  }
}
