/** Judges each cell as it finishes on the repeat kernel and writes its verdict into the notebook. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';
import { IRetraceService } from '../tokens';

export const repeatRecorderPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-retrace:repeat-recorder',
  description: 'Gives each cell run on the repeat kernel its verdict against the audit, and the notebook the run summary.',
  autoStart: true,
  requires: [IRetraceService, INotebookTracker],
  activate: (_app: JupyterFrontEnd, service: IRetraceService, tracker: INotebookTracker) => {
    // The recorder lives in the shared service, so the badges and the Reproduce button follow it.
    const recorder = service.repeatRecorder;
    const panelOf = (notebook: unknown) => tracker.find(p => p.content === notebook);
    NotebookActions.executionScheduled.connect((_, { notebook, cell }) => {
      const panel = panelOf(notebook);
      if (panel) recorder.noteScheduled(panel, cell);
    });
    NotebookActions.executed.connect((_, { notebook, cell, success, error }) => {
      const panel = panelOf(notebook);
      if (panel) void recorder.noteExecuted(panel, cell, success, error);
    });

    // Cells queued on a kernel that restarts, dies or is replaced never finish: end the run.
    const watch = (panel: NotebookPanel) => {
      const ctx = panel.sessionContext;
      ctx.kernelChanged.connect(() => recorder.reset(panel));
      ctx.statusChanged.connect((_, status) => {
        if (status === 'restarting' || status === 'autorestarting' || status === 'dead') recorder.reset(panel);
      });
      panel.disposed.connect(() => recorder.reset(panel));
    };
    tracker.widgetAdded.connect((_, panel) => watch(panel));
    tracker.forEach(watch);

    // Say why cells get no verdict, once per kernel and reason, not once per cell.
    const told = new Set<string>();
    recorder.unjudged.connect((_, { panel, message, refused }) => {
      const key = `${panel.sessionContext.session?.kernel?.id ?? ''}\n${message}`;
      if (told.has(key)) return;
      told.add(key);
      Notification.warning(`retrace: a cell run on the repeat kernel got no verdict: ${message}`, { autoClose: refused ? false : 8000 });
    });
  }
};
