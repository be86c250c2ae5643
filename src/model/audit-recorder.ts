/**
 * Writes retrace metadata into a notebook as its cells finish on the audit kernel.
 * The companion has the trace analysis; this adds what only the frontend knows (the
 * source that ran, whether the reply was an error) and writes through the notebook
 * model, so the metadata is saved with the notebook and travels with it.
 */
import type { Cell, ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal, type ISignal } from '@lumino/signaling';
import { codeHash } from '../../server/core/lineage/digest';
import { cellMetadata } from '../../server/core/metadata/cell-metadata';
import { notebookMetadata } from '../../server/core/metadata/notebook-metadata';
import { METADATA_KEY, type RetraceNotebookMetadata } from '../../server/core/metadata/types';
import type { RetraceClient } from '../api';
import { AUDIT_KERNEL } from '../tokens';
import { keepCellIds, type NotebookVersion } from './cell-ids';

export interface RecordedCell {
  panel: NotebookPanel;
  cell: Cell;
}

export class AuditRecorder {
  /** The source each cell had when it was scheduled: what actually ran. */
  private readonly scheduled = new WeakMap<Cell, string>();
  private readonly _recorded = new Signal<this, RecordedCell>(this);
  private readonly _failed = new Signal<this, { cell: Cell; message: string }>(this);

  constructor(private readonly client: RetraceClient) {}

  /** Emitted after a cell's metadata was written. */
  get recorded(): ISignal<this, RecordedCell> {
    return this._recorded;
  }

  /** Emitted when the record of an audited cell could not be had. */
  get failed(): ISignal<this, { cell: Cell; message: string }> {
    return this._failed;
  }

  noteScheduled(cell: Cell): void {
    if (cell.model.type === 'code') this.scheduled.set(cell, cell.model.sharedModel.getSource());
  }

  async noteExecuted(panel: NotebookPanel, cell: Cell, success: boolean): Promise<void> {
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || kernel.name !== AUDIT_KERNEL || cell.model.type !== 'code') return;
    const count = (cell.model as ICodeCellModel).executionCount;
    const source = this.scheduled.get(cell) ?? cell.model.sharedModel.getSource();
    if (count === null) return;
    try {
      // An un-audited audit kernel (no strace) has no records to wait for; the audit
      // notice has already told the user why.
      if (!(await this.isAudited(kernel.id))) return;
      const record = await this.client.execution(kernel.id, cell.model.id, count);
      if (!record) {
        this._failed.emit({ cell, message: `retrace has no trace of cell [${count}]; was the kernel audited?` });
        return;
      }
      const meta = cellMetadata(record, await codeHash(source), success ? 'ok' : 'error');
      if (cell.isDisposed) return;
      cell.model.setMetadata(METADATA_KEY, meta);
      await this.ensureNotebookMetadata(panel, kernel.id);
      this._recorded.emit({ panel, cell });
    } catch (e) {
      this._failed.emit({ cell, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private readonly audited = new Map<string, Promise<boolean>>();

  private isAudited(kernelId: string): Promise<boolean> {
    let known = this.audited.get(kernelId);
    if (!known) {
      known = this.client.session(kernelId).then(s => s?.audited === true);
      this.audited.set(kernelId, known);
    }
    return known;
  }

  /** The notebook-level part: which session audited it, in what environment. */
  private async ensureNotebookMetadata(panel: NotebookPanel, kernelId: string): Promise<void> {
    const model = panel.content.model;
    if (!model) return;
    // The records name the cell ids this run sent: save them with the notebook (YNotebook sets its version).
    keepCellIds(model.sharedModel as unknown as NotebookVersion);
    const current = model.getMetadata(METADATA_KEY) as RetraceNotebookMetadata | undefined;
    if (current?.audit?.session === kernelId) return;
    const [session, env, info] = await Promise.all([
      this.client.session(kernelId),
      this.client.environment().catch(() => undefined),
      panel.sessionContext.session?.kernel?.info
    ]);
    const report = env?.report;
    const meta = notebookMetadata({
      session: kernelId,
      startedAt: session?.startedAt ?? new Date().toISOString(),
      retraceVersion: report?.retraceVersion ?? 'unknown',
      python: info?.language_info.version ?? report?.python.version ?? 'unknown',
      platform: report ? `${report.platform.os} ${report.platform.release}` : 'unknown',
      machine: report?.platform.arch ?? 'unknown',
      strace: session?.strace?.version
    });
    model.setMetadata(METADATA_KEY, meta);
  }
}
