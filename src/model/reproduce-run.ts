/**
 * One press of Reproduce as the user follows it: where it stands (starting the repeat
 * kernel, running the cells, done or failed), how many cells are settled and the
 * verdicts so far; and the two things it decides before starting: which container,
 * and how to say the outcome.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { Signal, type ISignal } from '@lumino/signaling';
import { containerFileName } from '../../core/contract/container-name';
import type { RepeatMode } from '../../core/contract/repeat-mode';
import type { RepeatSummary } from '../../core/contract/metadata';

/** The settings of the reproduce-button plugin (schema/settings/reproduce-button.json). */
export interface ReproduceSettings {
  repeatMode: RepeatMode;
}

export const DEFAULT_REPRODUCE_SETTINGS: ReproduceSettings = { repeatMode: 'layered' };

/** What `retrace package` and the Package button write beside a notebook. */
export function defaultArchiveName(notebookPath: string): string {
  return containerFileName(PathExt.basename(notebookPath));
}

export interface ContainerLocation {
  /** As the notebook's metadata names it: relative to the notebook, or absolute. */
  archive: string;
  /** Its contents path, to check that it is there; null when the contents API cannot see it (absolute, or above the root). */
  path: string | null;
  /** Whether the notebook named it (else it is the default beside the notebook). */
  named: boolean;
}

/**
 * The container a repeat kernel would run, as the kernel finds it
 * (server/repeat/locate-container.ts): the one the notebook's metadata names, else
 * `<stem>.retrace.tar.gz` beside the notebook.
 */
export function containerLocation(notebookPath: string, named?: string): ContainerLocation {
  const given = named?.trim();
  if (given && given.startsWith('/')) return { archive: given, path: null, named: true };
  const archive = given ? PathExt.normalize(given) : defaultArchiveName(notebookPath);
  const path = PathExt.join(PathExt.dirname(notebookPath), archive);
  return { archive, path: path.startsWith('..') ? null : path, named: !!given };
}

/** "N of M cells reproduced (k changed, d diverged, f failed)", and what did not run or was not judged. */
export function summaryLine(summary: RepeatSummary, total: number, notRun = 0, unjudged = 0): string {
  let line = `${summary.reproduced} of ${total} cells reproduced (${summary.changed} changed, ${summary.diverged} diverged, ${summary.failed} failed)`;
  if (notRun) line += `; ${notRun} not run`;
  if (unjudged) line += `; ${unjudged} without a verdict`;
  return line;
}

export type ReproducePhase = 'starting' | 'running' | 'done' | 'failed';

/** A kernel session's verdicts so far, as the repeat recorder counts them. */
export interface RunCounts {
  summary: RepeatSummary;
  notRun: number;
  unjudged: number;
}

const EMPTY: RepeatSummary = { total: 0, reproduced: 0, changed: 0, diverged: 0, failed: 0 };

export class ReproduceRun {
  private _phase: ReproducePhase = 'starting';
  private _counts: RunCounts = { summary: EMPTY, notRun: 0, unjudged: 0 };
  private _message = '';
  private readonly _changed = new Signal<this, void>(this);

  /** `total`: the code cells the run means to run (blank ones are not sent to the kernel). */
  constructor(
    readonly notebook: string,
    readonly total: number
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get phase(): ReproducePhase {
    return this._phase;
  }

  get counts(): RunCounts {
    return this._counts;
  }

  /** Cells judged, not run or not judged so far. */
  get settled(): number {
    return this._counts.summary.total + this._counts.notRun + this._counts.unjudged;
  }

  /** Every cell reproduced, and nothing skipped. */
  get allReproduced(): boolean {
    const { summary, notRun, unjudged } = this._counts;
    return this._phase === 'done' && summary.reproduced === this.total && !notRun && !unjudged;
  }

  /** One line for the toolbar: the phase, then progress or outcome. */
  get text(): string {
    switch (this._phase) {
      case 'starting':
        return 'Starting the repeat kernel (its first start unpacks the container: 20 s or more)…';
      case 'running': {
        const s = this._counts.summary;
        return `Reproducing: ${this.settled}/${this.total} cells · ${s.reproduced} reproduced, ${s.changed} changed, ${s.diverged} diverged, ${s.failed} failed`;
      }
      case 'done':
        return summaryLine(this._counts.summary, this.total, this._counts.notRun, this._counts.unjudged);
      case 'failed':
        return `Not reproduced: ${this._message}`;
    }
  }

  get message(): string {
    return this._message;
  }

  running(): void {
    this.set('running');
  }

  progress(counts: RunCounts): void {
    this._counts = { summary: { ...counts.summary }, notRun: counts.notRun, unjudged: counts.unjudged };
    this._changed.emit();
  }

  finish(counts: RunCounts): void {
    this._counts = { summary: { ...counts.summary }, notRun: counts.notRun, unjudged: counts.unjudged };
    this.set('done');
  }

  fail(message: string): void {
    this._message = message;
    this.set('failed');
  }

  private set(phase: ReproducePhase): void {
    this._phase = phase;
    this._changed.emit();
  }
}
