/**
 * Puts the Dependencies panel in the right sidebar and keeps it on the current
 * notebook: its audit session (from the notebook's retrace metadata), its active
 * cell, and a fresh report each time the audit recorder has written a cell.
 */
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { METADATA_KEY, type RetraceNotebookMetadata } from '../../core/contract/metadata';
import { dependenciesIcon } from '../icons';
import { DependenciesModel, type NotebookTarget } from '../model/dependencies';
import { DependencyPanel } from '../panels/dependency-panel';
import { CommandIDs, IRetraceService } from '../tokens';

/** The notebook's path and the audit session its metadata names. */
function targetOf(panel: NotebookPanel | null): NotebookTarget | null {
  if (!panel || panel.isDisposed) return null;
  const meta = panel.content.model?.getMetadata(METADATA_KEY) as RetraceNotebookMetadata | undefined;
  const session = meta?.audit?.session;
  return { path: panel.context.localPath, session: typeof session === 'string' && session ? session : null };
}

export const dependencyPanelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-retrace:dependency-panel',
  description: "The Dependencies sidebar: the current notebook's software and data, for all cells or the active one.",
  autoStart: true,
  requires: [IRetraceService, INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (app: JupyterFrontEnd, service: IRetraceService, tracker: INotebookTracker, restorer: ILayoutRestorer | null, palette: ICommandPalette | null) => {
    const model = new DependenciesModel(service.client);
    const panel = new DependencyPanel(model);
    panel.title.icon = dependenciesIcon;
    app.shell.add(panel, 'right', { rank: 610 });
    restorer?.add(panel, panel.id);

    // Follow the current notebook: what it is, where it is, which session audited it.
    let watched: NotebookPanel | null = null;
    const update = () => model.setNotebook(targetOf(watched));
    const onMetadata = (_: unknown, change: { key: string }) => {
      if (change.key === METADATA_KEY) update();
    };
    const watch = (notebook: NotebookPanel | null) => {
      if (watched && !watched.isDisposed) {
        watched.content.model?.metadataChanged.disconnect(onMetadata);
        watched.context.pathChanged.disconnect(update);
      }
      watched = notebook;
      if (notebook) {
        void notebook.context.ready.then(() => {
          if (watched !== notebook) return;
          notebook.content.model?.metadataChanged.connect(onMetadata);
          update();
        });
        notebook.context.pathChanged.connect(update);
      }
      update();
      model.setActiveCell(notebook?.content.activeCell?.model.id ?? null);
    };
    tracker.currentChanged.connect((_, notebook) => watch(notebook));
    tracker.activeCellChanged.connect((_, cell) => {
      if (watched && cell && watched.content.widgets.includes(cell)) model.setActiveCell(cell.model.id);
    });
    watch(tracker.currentWidget);

    // A cell of the current notebook was recorded: the session has a new execution.
    service.recorder.recorded.connect((_, { panel: notebook }) => {
      if (notebook !== watched) return;
      update();
      model.invalidate();
    });

    app.commands.addCommand(CommandIDs.showDependencies, {
      label: 'Show Dependencies',
      caption: "Open the panel listing the current notebook's software and data dependencies",
      icon: args => (args.isPalette ? undefined : dependenciesIcon),
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({ command: CommandIDs.showDependencies, category: 'retrace' });
  }
};
