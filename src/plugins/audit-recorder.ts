/** Fills in each cell's retrace metadata as soon as it finishes on the audit kernel. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { IRetraceService } from '../tokens';

export const auditRecorderPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-retrace:audit-recorder',
  description: 'Writes per-cell provenance and lineage into the notebook as cells finish under the audit kernel.',
  autoStart: true,
  requires: [IRetraceService, INotebookTracker],
  activate: (_app: JupyterFrontEnd, service: IRetraceService, tracker: INotebookTracker) => {
    // The recorder lives in the shared service, so other views can follow what it records.
    const recorder = service.recorder;
    NotebookActions.executionScheduled.connect((_, { notebook, cell }) =>
      recorder.noteScheduled(
        cell,
        tracker.find(p => p.content === notebook)
      )
    );
    NotebookActions.executed.connect((_, { notebook, cell, success }) => {
      const panel = tracker.find(p => p.content === notebook);
      if (panel) void recorder.noteExecuted(panel, cell, success);
    });
    recorder.failed.connect((_, { message }) => {
      Notification.warning(`retrace: ${message}`, { autoClose: 8000 });
    });
  }
};
