/** Puts a retrace badge on every code cell of every notebook. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { Cell, CodeCell } from '@jupyterlab/cells';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { CellBadge } from '../badges/cell-badge';

export const cellBadgesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-retrace:cell-badges',
  description: 'Badges on code cells: audited (with lineage), edited since audit, or not audited.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    const badges = new WeakMap<Cell, CellBadge>();

    const ensure = (cell: Cell) => {
      if (cell.model.type !== 'code' || cell.isDisposed) return;
      const badge = badges.get(cell);
      if (badge) badge.attach();
      else badges.set(cell, new CellBadge(cell as CodeCell));
    };

    const watch = (panel: NotebookPanel) => {
      const notebook = panel.content;
      const all = () => notebook.widgets.forEach(ensure);
      void panel.context.ready.then(all);
      // Cells added, moved or changed type; windowing renders cells late, so also
      // catch each cell as it comes into view.
      notebook.model?.cells.changed.connect(() => requestAnimationFrame(all));
      notebook.cellInViewportChanged.connect((_, cell) => ensure(cell));
    };
    tracker.widgetAdded.connect((_, panel) => watch(panel));
    tracker.forEach(watch);
  }
};
