/**
 * The badge on one code cell. It lives in the cell's own DOM node (not in a child
 * widget the windowed notebook may not have rendered yet), reads the cell's saved
 * `retrace` metadata, and re-checks the code hash as the source changes.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { CodeCell } from '@jupyterlab/cells';
import { codeHash } from '../../server/core/lineage/digest';
import { badgeLabel, badgeState } from '../../server/core/metadata/badge-state';
import { METADATA_KEY, type RetraceCellMetadata } from '../../server/core/metadata/types';
import { provenanceDetails } from './provenance-details';

const BADGE_CLASS = 'jp-retrace-badge';

export class CellBadge {
  private readonly button: HTMLButtonElement;
  private version = 0;
  private disposed = false;

  constructor(private readonly cell: CodeCell) {
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = BADGE_CLASS;
    this.button.addEventListener('click', () => void this.open());
    cell.model.metadataChanged.connect(this.update, this);
    cell.model.contentChanged.connect(this.update, this);
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
    return this.cell.model.getMetadata(METADATA_KEY) as RetraceCellMetadata | undefined;
  }

  async update(): Promise<void> {
    // Hashing is async: only the newest request may paint.
    const version = ++this.version;
    const meta = this.metadata;
    const state = badgeState(meta, meta ? await codeHash(this.cell.model.sharedModel.getSource()) : '');
    if (this.disposed || version !== this.version) return;
    const label = badgeLabel(state);
    this.button.textContent = label;
    this.button.dataset.state = state.kind;
    this.button.disabled = state.kind === 'not-audited';
    this.button.title =
      state.kind === 'not-audited'
        ? 'retrace: this cell has not been audited'
        : state.kind === 'edited'
          ? 'retrace: the source changed since it was audited; click for the audited provenance'
          : 'retrace: click for what this cell read, wrote and ran';
    this.button.setAttribute('aria-label', `retrace: ${label}`);
    this.attach();
  }

  private async open(): Promise<void> {
    const meta = this.metadata;
    if (!meta) return;
    await showDialog({
      title: `Provenance of cell [${meta.execution_count ?? ' '}]`,
      body: provenanceDetails(meta),
      buttons: [Dialog.okButton({ label: 'Close' })]
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cell.model.metadataChanged.disconnect(this.update, this);
    this.cell.model.contentChanged.disconnect(this.update, this);
    this.button.remove();
  }
}
