/**
 * Writes retrace metadata into a notebook as its cells finish on the audit kernel.
 * The companion has the trace analysis; this adds what only the frontend knows (the
 * source that ran, whether the reply was an error) and writes through the notebook
 * model, so the metadata is saved with the notebook and travels with it.
 */
import type { Cell, ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal, type ISignal } from '@lumino/signaling';
import { codeHash } from '../../core/lineage/digest';
import { cellMetadata } from '../../core/metadata/cell-metadata';
import { notebookMetadata } from '../../core/metadata/notebook-metadata';
import { METADATA_KEY, type RetraceNotebookMetadata } from '../../core/contract/metadata';
import { refusal } from '../../core/provenance/record-match';
import type { RetraceClient } from '../api';
import { AUDIT_KERNEL_NAME } from '../../core/contract/kernels';
import type { SessionMeta } from '../../core/contract/records';
import { keepCellIds, type NotebookVersion } from './cell-ids';
import { KernelRuns, type RunningKernel } from './kernel-runs';

export interface RecordedCell {
  panel: NotebookPanel;
  cell: Cell;
}

/** A cell execution as it was queued: what ran, on which kernel, in which of its runs. */
interface Scheduled {
  source: string;
  kernel: RunningKernel | undefined;
  epoch: number;
}

export class AuditRecorder {
  /** What each cell's latest execution was scheduled with: the source that actually ran, and its run. */
  private readonly scheduled = new WeakMap<Cell, Scheduled>();
  private readonly _recorded = new Signal<this, RecordedCell>(this);
  private readonly _failed = new Signal<this, { cell: Cell; message: string }>(this);

  constructor(
    private readonly client: RetraceClient,
    private readonly runs = new KernelRuns(client)
  ) {}

  /** Emitted after a cell's metadata was written. */
  get recorded(): ISignal<this, RecordedCell> {
    return this._recorded;
  }

  /** Emitted when the record of an audited cell could not be had. */
  get failed(): ISignal<this, { cell: Cell; message: string }> {
    return this._failed;
  }

  noteScheduled(cell: Cell, panel?: NotebookPanel): void {
    if (cell.model.type !== 'code') return;
    const kernel = panel?.sessionContext.session?.kernel ?? undefined;
    this.scheduled.set(cell, { source: cell.model.sharedModel.getSource(), kernel, epoch: kernel ? this.runs.epochOf(kernel) : -1 });
  }

  async noteExecuted(panel: NotebookPanel, cell: Cell, success: boolean): Promise<void> {
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || kernel.name !== AUDIT_KERNEL_NAME || cell.model.type !== 'code') return;
    const count = (cell.model as ICodeCellModel).executionCount;
    if (count === null) return;
    const queued = this.scheduled.get(cell);
    const epoch = this.runs.epochOf(kernel);
    // Queued on another kernel, or before a restart: whatever ran, it was not this run's.
    if (queued && (queued.kernel !== kernel || queued.epoch !== epoch)) return;
    const source = queued?.source ?? cell.model.sharedModel.getSource();
    try {
      // An un-audited audit kernel (no strace) has no records to wait for; the audit
      // notice has already told the user why.
      const session = await this.runs.sessionOf(kernel, epoch);
      if (!session?.audited) return;
      const record = await this.client.execution(kernel.id, session.run, cell.model.id, count);
      if (!record) {
        this._failed.emit({ cell, message: `retrace has no trace of cell [${count}]; was the kernel audited?` });
        return;
      }
      // Never attach a record to an execution it is not of (the companion checks too).
      const wrong = refusal(record, { run: session.run, cellId: cell.model.id, executionCount: count });
      if (wrong) throw new Error(`retrace did not attach a record to cell [${count}]: ${wrong}`);
      const meta = cellMetadata(record, await codeHash(source), success ? 'ok' : 'error');
      // The kernel restarted meanwhile, or the cell ran again: a later execution's record will come.
      if (cell.isDisposed || this.runs.epochOf(kernel) !== epoch || (cell.model as ICodeCellModel).executionCount !== count) return;
      cell.model.setMetadata(METADATA_KEY, meta);
      await this.ensureNotebookMetadata(panel, session);
      this._recorded.emit({ panel, cell });
    } catch (e) {
      this._failed.emit({ cell, message: e instanceof Error ? e.message : String(e) });
    }
  }

  /** The notebook-level part: which session and run audited it, in what environment. */
  private async ensureNotebookMetadata(panel: NotebookPanel, session: SessionMeta): Promise<void> {
    const model = panel.content.model;
    if (!model) return;
    // The records name the cell ids this run sent: save them with the notebook (YNotebook sets its version).
    keepCellIds(model.sharedModel as unknown as NotebookVersion);
    const current = model.getMetadata(METADATA_KEY) as RetraceNotebookMetadata | undefined;
    // A restart keeps the kernel id: the run's start time tells its runs apart.
    if (current?.audit?.session === session.id && current.audit.started_at === session.startedAt) return;
    const [env, info] = await Promise.all([this.client.environment().catch(() => undefined), panel.sessionContext.session?.kernel?.info]);
    const report = env?.report;
    const meta = notebookMetadata({
      session: session.id,
      startedAt: session.startedAt,
      retraceVersion: report?.retraceVersion ?? 'unknown',
      python: info?.language_info.version ?? report?.python.version ?? 'unknown',
      platform: report ? `${report.platform.os} ${report.platform.release}` : 'unknown',
      machine: report?.platform.arch ?? 'unknown',
      strace: session.strace?.version
    });
    model.setMetadata(METADATA_KEY, meta);
  }
}
