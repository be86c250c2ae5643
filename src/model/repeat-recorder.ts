/**
 * Judges each cell as it finishes on the repeat kernel: the frontend knows what ran
 * (the source, the reply, the outputs), the companion knows the repeat's trace and
 * the audit in the container, and answers with the cell's verdict. The verdict goes
 * into the cell's `retrace` metadata beside the audit's (through the notebook model,
 * so it is saved and undone with the notebook); a cell the audit never saw keeps it
 * in memory only, for its badge. When the queued cells are all done, the notebook
 * gets the run's summary (`metadata.retrace.repeat`).
 */
import type { Cell, ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal, type ISignal } from '@lumino/signaling';
import { codeHash } from '../../core/lineage/digest';
import { auditIdentity, type JudgedVerdict } from '../../core/metadata/badge-state';
import { archiveAsNamed, isAuditedCell, withRepeat, withVerdict } from '../../core/metadata/repeat-metadata';
import { METADATA_KEY, type RetraceNotebookMetadata } from '../../core/contract/metadata';
import { summarize } from '../../core/repeat/verdict';
import { CompanionError, type RetraceClient } from '../api';
import { REPEAT_KERNEL_NAME } from '../../core/contract/kernels';
import type { RepeatSummary } from '../../core/contract/metadata';
import type { VerdictRequestBody } from '../../core/contract/http';
import type { CellVerdict } from '../../core/contract/verdict';
import { KernelRuns } from './kernel-runs';

export interface JudgedCell {
  panel: NotebookPanel;
  cell: Cell;
  verdict: CellVerdict;
}

export interface UnjudgedCell {
  panel: NotebookPanel;
  cell: Cell;
  message: string;
  /** The companion refused: the kernel is not a repeat, or its sandbox did not start. */
  refused: boolean;
}

/** Where a notebook's repeat stands: verdicts so far in this kernel session. */
export interface RepeatTally {
  panel: NotebookPanel;
  /** The repeat kernel's id: its session in the store. */
  session: string;
  summary: RepeatSummary;
  /** Cells that were queued but did not run (after an error the kernel skips the rest). */
  notRun: number;
  /** Cells that ran but got no verdict (the companion could not judge them). */
  unjudged: number;
  /** Cells queued and not settled yet. */
  pending: number;
  /** The kernel restarted, died or was replaced before the queued cells were settled. */
  interrupted: boolean;
}

/** What the reply to an execution said, as the `executed` signal gives it. */
export interface ExecutionError {
  errorName?: string;
  errorValue?: string;
}

interface RunState {
  session: string;
  /** The kernel connection's epoch the run's cells were queued in (see KernelRuns). */
  epoch: number;
  pending: number;
  /** The latest verdict of each cell, by cell id. */
  verdicts: Map<string, CellVerdict>;
  notRun: number;
  unjudged: number;
  waiters: Array<(tally: RepeatTally) => void>;
}

export class RepeatRecorder {
  /** The source each cell had when it was scheduled, oldest first: what actually ran, on which kernel and epoch. */
  private readonly scheduled = new WeakMap<Cell, Array<{ source: string; session: string; epoch: number }>>();
  private readonly judgedVerdicts = new WeakMap<ICellModel, JudgedVerdict>();
  private readonly runs = new WeakMap<NotebookPanel, RunState>();
  private readonly _judged = new Signal<this, JudgedCell>(this);
  private readonly _unjudged = new Signal<this, UnjudgedCell>(this);
  private readonly _progress = new Signal<this, RepeatTally>(this);
  private readonly _finished = new Signal<this, RepeatTally>(this);

  constructor(
    private readonly client: RetraceClient,
    private readonly kernelRuns = new KernelRuns(client)
  ) {}

  /** Emitted when a cell got its verdict (and, if audited, it is in its metadata). */
  get judged(): ISignal<this, JudgedCell> {
    return this._judged;
  }

  /** Emitted when a cell that ran could not be judged. */
  get unjudged(): ISignal<this, UnjudgedCell> {
    return this._unjudged;
  }

  /** Emitted each time a queued cell is settled (judged, unjudged or not run). */
  get progress(): ISignal<this, RepeatTally> {
    return this._progress;
  }

  /** Emitted when the queued cells are all settled and the notebook has the run's summary. */
  get finished(): ISignal<this, RepeatTally> {
    return this._finished;
  }

  /** The verdict this session gave a cell, with the hash of the source it judged. */
  verdictOf(model: ICellModel): JudgedVerdict | undefined {
    return this.judgedVerdicts.get(model);
  }

  noteScheduled(panel: NotebookPanel, cell: Cell): void {
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || kernel.name !== REPEAT_KERNEL_NAME || cell.model.type !== 'code') return;
    const queued = this.scheduled.get(cell) ?? [];
    const epoch = this.kernelRuns.epochOf(kernel);
    queued.push({ source: cell.model.sharedModel.getSource(), session: kernel.id, epoch });
    this.scheduled.set(cell, queued);
    this.runFor(panel, kernel.id, epoch).pending++;
  }

  async noteExecuted(panel: NotebookPanel, cell: Cell, success: boolean, error?: ExecutionError | null): Promise<void> {
    const kernel = panel.sessionContext.session?.kernel;
    const run = this.runs.get(panel);
    if (!kernel || kernel.name !== REPEAT_KERNEL_NAME) return;
    // Only what was queued on this repeat kernel in its current run: not the audit's
    // cells, not a kernel since replaced or restarted (those executions never finish).
    const epoch = this.kernelRuns.epochOf(kernel);
    const queue = this.scheduled.get(cell) ?? [];
    while (queue.length && (queue[0].session !== kernel.id || queue[0].epoch !== epoch)) queue.shift();
    if (!run || run.session !== kernel.id || run.epoch !== epoch) return;
    const source = queue.shift()?.source;
    if (source === undefined) return;
    try {
      const count = (cell.model as ICodeCellModel).executionCount;
      if (count === null) {
        // Skipped after an earlier error, or blank: nothing ran, nothing to judge.
        if (source.trim()) run.notRun++;
        return;
      }
      const hash = await codeHash(source);
      const body: VerdictRequestBody = {
        cell_id: cell.model.id,
        execution_count: count,
        code_hash: hash,
        ...replyOf(success, error),
        outputs: (cell.model as ICodeCellModel).outputs.toJSON() as unknown as VerdictRequestBody['outputs'],
        code_cells: await codeCellsOf(panel, cell, hash)
      };
      const session = await this.kernelRuns.sessionOf(kernel, run.epoch);
      if (!session) throw new CompanionError('the repeat kernel restarted (or has no session) before this cell could be judged', 404);
      const verdict = await this.client.verdict(kernel.id, session.run, body);
      // A verdict of a run that is over (the kernel restarted meanwhile) is nobody's.
      if (this.runs.get(panel) !== run || run.epoch !== this.kernelRuns.epochOf(kernel)) return;
      run.verdicts.set(cell.model.id, verdict);
      if (cell.isDisposed) return;
      // Never touch the audit's own fields; a cell the audit did not see has none to join.
      const meta = cell.model.getMetadata(METADATA_KEY);
      this.judgedVerdicts.set(cell.model, { verdict, codeHash: hash, audit: auditIdentity(meta) });
      if (isAuditedCell(meta)) cell.model.setMetadata(METADATA_KEY, withVerdict(meta, verdict));
      this._judged.emit({ panel, cell, verdict });
    } catch (e) {
      run.unjudged++;
      const refused = e instanceof CompanionError && e.status === 409;
      this._unjudged.emit({ panel, cell, message: e instanceof Error ? e.message : String(e), refused });
    } finally {
      run.pending--;
      if (this.runs.get(panel) === run) {
        const tally = this.tallyOf(panel, run);
        this._progress.emit(tally);
        if (run.pending <= 0) await this.finish(panel, run, tally);
      }
    }
  }

  /** Resolves with the tally once the cells queued so far are settled (at once when none are). */
  whenSettled(panel: NotebookPanel): Promise<RepeatTally | undefined> {
    const run = this.runs.get(panel);
    if (!run) return Promise.resolve(undefined);
    if (run.pending <= 0) return Promise.resolve(this.tallyOf(panel, run));
    return new Promise(resolve => run.waiters.push(resolve));
  }

  /**
   * Forget the notebook's run: its kernel restarted, died or was replaced, so cells
   * still queued will never finish. Whoever waits gets the tally as it stands.
   */
  reset(panel: NotebookPanel): void {
    const run = this.runs.get(panel);
    if (!run) return;
    this.runs.delete(panel);
    const tally = { ...this.tallyOf(panel, run), interrupted: run.pending > 0 };
    run.waiters.splice(0).forEach(resolve => resolve(tally));
  }

  /** The run of this kernel session; a new kernel, or a restart of it, starts a new tally. */
  private runFor(panel: NotebookPanel, session: string, epoch: number): RunState {
    let run = this.runs.get(panel);
    if (!run || run.session !== session || run.epoch !== epoch) {
      this.reset(panel);
      run = { session, epoch, pending: 0, verdicts: new Map(), notRun: 0, unjudged: 0, waiters: [] };
      this.runs.set(panel, run);
    }
    return run;
  }

  private tallyOf(panel: NotebookPanel, run: RunState): RepeatTally {
    return {
      panel,
      session: run.session,
      summary: summarize([...run.verdicts.values()]),
      notRun: run.notRun,
      unjudged: run.unjudged,
      pending: Math.max(0, run.pending),
      interrupted: false
    };
  }

  /** The run's summary into the notebook's metadata (an audited notebook only: the schema needs its audit). */
  private async finish(panel: NotebookPanel, run: RunState, tally: RepeatTally): Promise<void> {
    if (run.verdicts.size) {
      const session = await this.client.session(run.session).catch(() => undefined);
      const model = panel.isDisposed ? null : panel.content.model;
      const current = model?.getMetadata(METADATA_KEY) as RetraceNotebookMetadata | undefined;
      const container = session?.container;
      const next = withRepeat(current, {
        session: run.session,
        finishedAt: new Date().toISOString(),
        container: container ? { archive: archiveAsNamed(container.archive, current?.container?.archive), sha256: container.hash, mode: container.mode } : {},
        summary: tally.summary
      });
      if (model && next) model.setMetadata(METADATA_KEY, next);
    }
    // More cells may have been queued while the summary was written: then this run goes on.
    if (run.pending > 0) return;
    this._finished.emit(tally);
    run.waiters.splice(0).forEach(resolve => resolve(tally));
  }
}

/**
 * The notebook's code cells as this one ran (its own hash is of what ran): the
 * companion matches them to the audit's by position and code when ids do not match,
 * as they do not for an nbformat 4.4 notebook, whose ids JupyterLab made up.
 */
async function codeCellsOf(panel: NotebookPanel, ran: Cell, ranHash: string): Promise<VerdictRequestBody['code_cells']> {
  const model = panel.isDisposed ? null : panel.content.model;
  if (!model) return undefined;
  const code = Array.from({ length: model.cells.length }, (_, i) => model.cells.get(i)).filter(c => c.type === 'code');
  return Promise.all(code.map(async c => ({ id: c.id, code_hash: c === ran.model ? ranHash : await codeHash(c.sharedModel.getSource()) })));
}

/** The reply as the verdict request has it: an error names its exception; no name means the kernel aborted the cell. */
function replyOf(success: boolean, error?: ExecutionError | null): Pick<VerdictRequestBody, 'reply' | 'error'> {
  if (success) return { reply: 'ok' };
  if (error?.errorName) return { reply: 'error', error: { ename: error.errorName, evalue: error.errorValue ?? '' } };
  return { reply: 'aborted' };
}
