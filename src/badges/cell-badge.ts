/**
 * The badge on one code cell. It lives in the cell's own DOM node (not in a child
 * widget the windowed notebook may not have rendered yet), reads the cell's saved
 * `retrace` metadata (and the verdict a repeat just gave, which a cell the audit never
 * saw has only in memory), and re-checks the code hash as the source changes.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { CodeCell, ICellModel } from '@jupyterlab/cells';
import { codeHash } from '../../core/lineage/digest';
import { badgeAriaLabel, badgeLabel, badgeState, badgeTitle, currentVerdict, type JudgedVerdict } from '../../core/metadata/badge-state';
import { isAuditedCell } from '../../core/metadata/repeat-metadata';
import { METADATA_KEY, type RetraceCellMetadata } from '../../core/contract/metadata';
import { provenanceDetails } from './provenance-details';

const BADGE_CLASS = 'jp-retrace-badge';

/** The verdict a repeat gave a cell in this session, if any. */
export type VerdictLookup = (model: ICellModel) => JudgedVerdict | undefined;

export class CellBadge {
  private readonly button: HTMLButtonElement;
  /** Kept: a disposed cell has let go of its model by the time it says so. */
  private readonly model: ICellModel;
  private version = 0;
  private disposed = false;

  constructor(
    private readonly cell: CodeCell,
    private readonly verdictOf: VerdictLookup = () => undefined
  ) {
    this.model = cell.model;
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = BADGE_CLASS;
    this.button.addEventListener('click', () => void this.open());
    this.model.metadataChanged.connect(this.update, this);
    this.model.contentChanged.connect(this.update, this);
    cell.disposed.connect(this.dispose, this);
    this.attach();
    void this.update();
  }

  /** Put the badge back if a re-render of the cell dropped it. */
  attach(): void {
    if (!this.button.isConnected || this.button.parentElement !== this.cell.node) {
      this.cell.node.appendChild(this.button);
    }
  }

  get metadata(): RetraceCellMetadata | undefined {
    return this.model.getMetadata(METADATA_KEY) as RetraceCellMetadata | undefined;
  }

  async update(): Promise<void> {
    // Hashing is async: only the newest request may paint.
    const version = ++this.version;
    const meta = this.metadata;
    if (this.disposed) return;
    const judged = this.verdictOf(this.model);
    const state = badgeState(meta, meta || judged ? await codeHash(this.model.sharedModel.getSource()) : '', judged);
    if (this.disposed || version !== this.version) return;
    this.button.textContent = badgeLabel(state);
    this.button.dataset.state = state.kind;
    this.button.disabled = state.kind === 'not-audited';
    this.button.title = badgeTitle(state);
    this.button.setAttribute('aria-label', badgeAriaLabel(state));
    this.attach();
  }

  private async open(): Promise<void> {
    const saved = this.metadata;
    const meta = isAuditedCell(saved) ? saved : undefined;
    const verdict = currentVerdict(saved, await codeHash(this.model.sharedModel.getSource()), this.verdictOf(this.model));
    if (!meta && !verdict) return;
    await showDialog({
      title: meta ? `Provenance of cell [${meta.execution_count ?? ' '}]` : 'Repeat of this cell',
      body: provenanceDetails(meta, verdict),
      buttons: [Dialog.okButton({ label: 'Close' })]
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.metadataChanged.disconnect(this.update, this);
    this.model.contentChanged.disconnect(this.update, this);
    this.button.remove();
  }
}
