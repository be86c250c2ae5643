/** Tell when a notebook's code changes: a cell's source edited, or cells added or removed. */
import type { ICellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

/** Calls `onEdit(panel)` on each such change until the panel is disposed. */
export function watchEdits(panel: NotebookPanel, onEdit: (panel: NotebookPanel) => void): void {
  const watched = new Set<ICellModel>();
  const onCellChange = (_: unknown, change: { sourceChange?: unknown }) => {
    if (change.sourceChange) onEdit(panel);
  };
  const follow = (cell: ICellModel) => {
    if (watched.has(cell)) return;
    watched.add(cell);
    cell.sharedModel.changed.connect(onCellChange);
  };
  void panel.context.ready.then(() => {
    const model = panel.content.model;
    if (!model || panel.isDisposed) return;
    for (const cell of model.cells) follow(cell);
    model.cells.changed.connect((_, change) => {
      // A removal's old values may be gone already (JupyterLab passes undefined for them).
      for (const cell of change.newValues) if (cell) follow(cell);
      for (const cell of change.oldValues) {
        if (!cell) continue;
        watched.delete(cell);
        if (!cell.isDisposed) cell.sharedModel.changed.disconnect(onCellChange);
      }
      if (change.type === 'add' || change.type === 'remove') onEdit(panel);
    });
  });
  panel.disposed.connect(() => {
    for (const cell of watched) if (!cell.isDisposed) cell.sharedModel.changed.disconnect(onCellChange);
    watched.clear();
  });
}
