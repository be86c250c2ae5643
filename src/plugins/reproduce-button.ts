/**
 * "Reproduce" in every notebook's toolbar (and "Reproduce Notebook" in the palette),
 * "Choose Container…" in the palette, and the run's progress in the status bar (so the
 * toolbar keeps its width): the wiring of the Reproduce workflow
 * (model/reproduce-workflow.ts) to JupyterLab's notebooks, kernels, toasts and dialogs.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, InputDialog, Notification, showDialog } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import { METADATA_KEY, type RetraceNotebookMetadata } from '../../core/contract/metadata';
import { reproduceIcon } from '../icons';
import type { RepeatTally } from '../model/repeat-recorder';
import { startRepeatKernel } from '../model/repeat-kernel';
import { DEFAULT_REPRODUCE_SETTINGS, type ReproduceSettings } from '../model/reproduce-run';
import { ReproduceWorkflow, type ReproduceFeedback, type ReproduceNotebooks, type Toast } from '../model/reproduce-workflow';
import { ReproduceStatus } from '../panels/reproduce-status';
import { CommandIDs, IRetraceService } from '../tokens';
import { watchEdits } from './watch-edits';
import { watchSettings } from './watch-settings';

const PLUGIN_ID = 'jupyterlab-retrace:reproduce-button';
/**
 * Below this toolbar width the button shows its icon only (its name stays its tooltip
 * and accessible name). JupyterLab's responsive toolbar measures each item once, and
 * the kernel name before it is known, so a crowded toolbar wraps over the first cell
 * instead of moving items into its overflow menu.
 */
const COMPACT_TOOLBAR_BELOW_PX = 900;

function readSettings(s: ISettingRegistry.ISettings): ReproduceSettings {
  return { repeatMode: s.get('repeatMode').composite === 'strict' ? 'strict' : 'layered' };
}

/** A notebook panel as the workflow reads, changes and runs it. */
const panelNotebooks: ReproduceNotebooks<NotebookPanel> = {
  path: panel => panel.context.localPath,
  metadata: panel => panel.content.model?.getMetadata(METADATA_KEY) as RetraceNotebookMetadata | undefined,
  setMetadata: (panel, metadata) => panel.content.model?.setMetadata(METADATA_KEY, metadata),
  save: panel => panel.context.save(),
  cellsToRun: panel => panel.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim()).length,
  // Errors are the verdicts' business: a failing cell is a result, not a reason to stop following.
  runAll: async panel => void (await NotebookActions.runAll(panel.content, panel.sessionContext).catch(() => false))
};

/** Whether a file is there, through the contents API (a 404 is "no"; other failures are errors). */
async function exists(contents: Contents.IManager, path: string): Promise<boolean> {
  try {
    await contents.get(path, { content: false });
    return true;
  } catch (e) {
    if ((e as { response?: Response }).response?.status === 404) return false;
    throw e;
  }
}

/** A toast through JupyterLab's notifications; its details behind a Details button. */
function notify({ kind, message, autoClose, details }: Toast): void {
  if (!details) {
    Notification[kind](message, { autoClose });
    return;
  }
  Notification[kind](message, {
    autoClose,
    actions: [
      {
        label: 'Details',
        caption: 'Show the whole message',
        callback: () => void showDialog({ title: details.title, body: details.body, buttons: [Dialog.okButton({ label: 'Close' })] })
      }
    ]
  });
}

const jupyterFeedback: ReproduceFeedback = {
  notify,
  askText: async ({ title, label, text, okLabel }) => {
    const answer = await InputDialog.getText({ title, label, text, okLabel });
    return answer.button.accept ? (answer.value ?? '') : null;
  }
};

export const reproduceButtonPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'A "Reproduce" notebook toolbar button and command: repeats the notebook in its container, cell by cell, with verdicts.',
  autoStart: true,
  requires: [IRetraceService, INotebookTracker],
  optional: [ICommandPalette, ISettingRegistry, IStatusBar],
  activate: (
    app: JupyterFrontEnd,
    service: IRetraceService,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    statusBar: IStatusBar | null
  ) => {
    const settings = watchSettings(registry, PLUGIN_ID, readSettings, DEFAULT_REPRODUCE_SETTINGS, 'Reproduce');
    const contents = app.serviceManager.contents;
    const recorder = service.repeatRecorder;
    const workflow = new ReproduceWorkflow<NotebookPanel>({
      notebooks: panelNotebooks,
      kernels: {
        start: panel => startRepeatKernel(panel.sessionContext),
        isCurrent: (panel, kernel) => panel.sessionContext.session?.kernel === kernel
      },
      companion: service.client,
      verdicts: {
        follow: (panel, onTally) => {
          const follow = (_: unknown, tally: RepeatTally) => {
            if (tally.panel === panel) onTally(tally);
          };
          recorder.progress.connect(follow);
          return () => recorder.progress.disconnect(follow);
        },
        whenSettled: panel => recorder.whenSettled(panel)
      },
      files: { exists: path => exists(contents, path) },
      feedback: jupyterFeedback,
      settings,
      statusShown: !!statusBar
    });

    // The status bar shows the current notebook's last run.
    const status = new ReproduceStatus();
    const statusActivity = new Signal<unknown, void>(status);
    const showCurrentRun = () => {
      status.setRun((tracker.currentWidget && workflow.runOf(tracker.currentWidget)) ?? null);
      statusActivity.emit();
    };
    tracker.currentChanged.connect(showCurrentRun);
    workflow.runChanged.connect(showCurrentRun);
    statusBar?.registerStatusItem(`${PLUGIN_ID}:status`, {
      item: status,
      align: 'left',
      rank: 10,
      isActive: () => !!tracker.currentWidget && !!workflow.runOf(tracker.currentWidget),
      activeStateChanged: statusActivity
    });
    // The summary describes the notebook as the run left it: a new audit of one of its
    // cells, or an edit of its code, and it no longer does.
    const outdated = (panel: NotebookPanel) => workflow.forget(panel);
    service.recorder.recorded.connect((_, { panel }) => outdated(panel));
    tracker.widgetAdded.connect((_, panel) => watchEdits(panel, outdated));
    tracker.forEach(panel => watchEdits(panel, outdated));
    // Toolbar buttons to enable or disable, and the commands' state, as runs start and end.
    const busyChanged = new Set<() => void>([() => app.commands.notifyCommandChanged(CommandIDs.reproduceNotebook)]);
    tracker.currentChanged.connect(() => app.commands.notifyCommandChanged(CommandIDs.reproduceNotebook));
    workflow.busyChanged.connect(() => busyChanged.forEach(f => f()));

    app.commands.addCommand(CommandIDs.reproduceNotebook, {
      label: 'Reproduce Notebook',
      caption: 'Run the notebook again on the repeat kernel, inside its container, and compare every cell with its audit',
      icon: args => (args.isPalette ? undefined : reproduceIcon),
      isEnabled: () => !!tracker.currentWidget && !workflow.isRunning(tracker.currentWidget),
      execute: () => {
        const panel = tracker.currentWidget;
        if (panel) return workflow.reproduce(panel);
      }
    });
    app.commands.addCommand(CommandIDs.chooseContainer, {
      label: 'Choose Container…',
      caption: 'Choose the container archive the Reproduce button runs this notebook in',
      isEnabled: () => !!tracker.currentWidget,
      execute: () => {
        const panel = tracker.currentWidget;
        if (panel) return workflow.chooseContainer(panel);
      }
    });
    for (const command of [CommandIDs.reproduceNotebook, CommandIDs.chooseContainer]) palette?.addItem({ command, category: 'retrace' });

    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel: NotebookPanel) => {
        const button = new ToolbarButton({
          icon: reproduceIcon,
          label: 'Reproduce',
          tooltip: 'Run this notebook again in its container (the Python 3 (repeat) kernel) and compare every cell with its audit',
          onClick: () => void workflow.reproduce(panel)
        });
        button.addClass('jp-retrace-reproduce-button');
        const width = new ResizeObserver(([entry]) => button.toggleClass('jp-retrace-compact', entry.contentRect.width < COMPACT_TOOLBAR_BELOW_PX));
        width.observe(panel.toolbar.node);
        button.disposed.connect(() => width.disconnect());
        const sync = () => (button.enabled = !workflow.isRunning(panel));
        busyChanged.add(sync);
        button.disposed.connect(() => busyChanged.delete(sync));
        if (!panel.toolbar.insertBefore('spacer', 'retrace-reproduce', button)) panel.toolbar.addItem('retrace-reproduce', button);
        return button;
      }
    });
  }
};
