/**
 * Long jobs of the companion (packaging a notebook takes seconds to minutes): started
 * by one request, followed by polling another. A job runs in this process; its
 * status is kept a while after it ends so a client that polls late still learns
 * how it went, but only a bounded number of finished jobs is kept.
 */
import { randomUUID } from 'node:crypto';
import type { JobStatus } from '../../core/contract/packaging';

export interface JobOptions {
  /** Finished jobs kept at most (the oldest are forgotten first). Default 20. */
  maxFinished?: number;
  /** How long a finished job is kept, in ms. Default one hour. */
  keepMs?: number;
  now?: () => number;
  /** The error text a client sees for a failure. Default: the error's message. */
  describeError?: (error: unknown) => string;
}

export type JobRun<Result, Progress> = (onProgress: (progress: Progress) => void) => Promise<Result>;

interface Entry<Result, Progress> {
  status: JobStatus<Result, Progress>;
  key: string;
  finishedAtMs?: number;
}

export const describeErrorMessage = (error: unknown): string => (error instanceof Error ? error.message || error.name : String(error));

export class JobRegistry<Result, Progress> {
  private readonly jobs = new Map<string, Entry<Result, Progress>>();
  private readonly maxFinished: number;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly describeError: (error: unknown) => string;

  constructor(options: JobOptions = {}) {
    this.maxFinished = options.maxFinished ?? 20;
    this.keepMs = options.keepMs ?? 60 * 60_000;
    this.now = options.now ?? Date.now;
    this.describeError = options.describeError ?? describeErrorMessage;
  }

  /**
   * Start `run` unless a job with the same key is still running (two jobs writing
   * the same archive would clash): then that job is returned instead.
   */
  start(key: string, run: JobRun<Result, Progress>): { id: string; existing: boolean } {
    this.prune();
    for (const [id, entry] of this.jobs) {
      if (entry.key === key && entry.status.state === 'running') return { id, existing: true };
    }
    const id = randomUUID();
    const entry: Entry<Result, Progress> = {
      key,
      status: { id, state: 'running', progress: null, startedAt: new Date(this.now()).toISOString() }
    };
    this.jobs.set(id, entry);
    const finish = (update: Partial<JobStatus<Result, Progress>>) => {
      entry.finishedAtMs = this.now();
      entry.status = { ...entry.status, ...update, finishedAt: new Date(entry.finishedAtMs).toISOString() };
      this.prune();
    };
    const onProgress = (progress: Progress) => {
      if (entry.status.state === 'running') entry.status = { ...entry.status, progress };
    };
    // Started on the next turn, so a job that fails at once still answers `start` first.
    Promise.resolve()
      .then(() => run(onProgress))
      .then(
        result => finish({ state: 'done', result }),
        error => finish({ state: 'failed', error: this.describeError(error) })
      );
    return { id, existing: false };
  }

  get(id: string): JobStatus<Result, Progress> | undefined {
    this.prune();
    return this.jobs.get(id)?.status;
  }

  /** How many jobs are still running. */
  get running(): number {
    let n = 0;
    for (const entry of this.jobs.values()) if (entry.status.state === 'running') n++;
    return n;
  }

  /** Forget finished jobs past their time, then the oldest beyond the bound. Running jobs stay. */
  private prune(): void {
    const finished = [...this.jobs].filter(([, e]) => e.finishedAtMs !== undefined);
    const cutoff = this.now() - this.keepMs;
    let kept = finished.length;
    // Map order is insertion order; sort by end time so the earliest finished go first.
    finished.sort(([, a], [, b]) => a.finishedAtMs! - b.finishedAtMs!);
    for (const [id, entry] of finished) {
      if (entry.finishedAtMs! < cutoff || kept > this.maxFinished) {
        this.jobs.delete(id);
        kept--;
      }
    }
  }
}
