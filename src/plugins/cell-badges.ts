/** Puts a retrace badge on every code cell of every notebook. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { Cell, CodeCell } from '@jupyterlab/cells';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { CellBadge } from '../badges/cell-badge';
import { IRetraceService } from '../tokens';

export const cellBadgesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-retrace:cell-badges',
  description: 'Badges on code cells: audited (with lineage), edited since audit, not audited, or the verdict of a repeat.',
  autoStart: true,
  requires: [INotebookTracker, IRetraceService],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker, service: IRetraceService) => {
    const badges = new WeakMap<Cell, CellBadge>();
    const repeats = service.repeatRecorder;
    const verdictOf = repeats.verdictOf.bind(repeats);

    const ensure = (cell: Cell) => {
      if (cell.isDisposed || cell.model?.type !== 'code') return;
      const badge = badges.get(cell);
      if (badge) badge.attach();
      else badges.set(cell, new CellBadge(cell as CodeCell, verdictOf));
    };
    // A cell the audit never saw gets its verdict in memory only: no metadata change to follow.
    repeats.judged.connect((_, { cell }) => void badges.get(cell)?.update());

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
