/**
 * "Reproduce" in every notebook's toolbar (and "Reproduce Notebook" in the palette):
 * what `retrace repeat` does, in the open notebook. It checks that the notebook was
 * audited and that its container is there, names the container and the mode in the
 * notebook's metadata and saves it (the repeat kernel reads them from the file),
 * switches to the repeat kernel, runs every cell and follows the verdicts as they
 * come (in the status bar, so the toolbar keeps its width), then says how many cells
 * reproduced. "Choose Container…" names another archive.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, InputDialog, Notification, showDialog, type ISessionContext } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';
import type { Contents, Kernel } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import { METADATA_KEY, type RetraceNotebookMetadata } from '../../core/contract/metadata';
import { reproduceIcon } from '../icons';
import type { RepeatTally } from '../model/repeat-recorder';
import { DEFAULT_REPRODUCE_SETTINGS, containerLocation, ReproduceRun, type ReproduceSettings } from '../model/reproduce-run';
import { ReproduceStatus } from '../panels/reproduce-status';
import { CommandIDs, IRetraceService, REPEAT_KERNEL } from '../tokens';
import { watchEdits } from './watch-edits';
import { watchSettings } from './watch-settings';

const PLUGIN_ID = 'jupyterlab-retrace:reproduce-button';
/** The first start of a container unpacks and checks it: allow a large one its time. */
const KERNEL_START_TIMEOUT_MS = 5 * 60_000;
/**
 * Below this toolbar width the button shows its icon only (its name stays its tooltip
 * and accessible name). JupyterLab's responsive toolbar measures each item once, and
 * the kernel name before it is known, so a crowded toolbar wraps over the first cell
 * instead of moving items into its overflow menu.
 */
const COMPACT_TOOLBAR_BELOW_PX = 900;

/** Something that stops a run, in words for the user: short for the toast, `detail` for its Details. */
class ReproduceError extends Error {
  constructor(
    message: string,
    readonly detail = ''
  ) {
    super(message);
  }
}

function readSettings(s: ISettingRegistry.ISettings): ReproduceSettings {
  return { repeatMode: s.get('repeatMode').composite === 'strict' ? 'strict' : 'layered' };
}

const nameOf = (panel: NotebookPanel) => panel.context.localPath.split('/').pop() ?? panel.context.localPath;

const auditedMetadata = (panel: NotebookPanel): RetraceNotebookMetadata | undefined => {
  const meta = panel.content.model?.getMetadata(METADATA_KEY) as RetraceNotebookMetadata | undefined;
  return meta?.audit ? meta : undefined;
};

const neverAudited = (panel: NotebookPanel) =>
  `${nameOf(panel)} was never audited: audit and package it first (run it on the Python 3 (audit) kernel, then press Package).`;

/** Code cells with something to run: blank ones never reach the kernel. */
const cellsToRun = (panel: NotebookPanel) => panel.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim()).length;

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

/** Switch the session to the repeat kernel and wait until it is idle, bounded. */
async function startRepeatKernel(ctx: ISessionContext): Promise<Kernel.IKernelConnection> {
  const kernel = await ctx.changeKernel({ name: REPEAT_KERNEL });
  if (!kernel) throw new ReproduceError('JupyterLab did not start the repeat kernel (Python 3 (repeat)): is it installed? (jupyter kernelspec list)');
  const deadline = Date.now() + KERNEL_START_TIMEOUT_MS;
  while (!(ctx.session?.kernel === kernel && ctx.kernelDisplayStatus === 'idle')) {
    if (kernel.isDisposed || kernel.status === 'dead' || ctx.session?.kernel !== kernel) {
      throw new ReproduceError('the repeat kernel stopped while it was starting (see the Jupyter server log)');
    }
    if (Date.now() > deadline) throw new ReproduceError(`the repeat kernel did not start within ${KERNEL_START_TIMEOUT_MS / 60_000} minutes`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  return kernel;
}

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

    const running = new Set<NotebookPanel>();
    // The last run of each notebook; the status bar shows the current notebook's.
    const runs = new WeakMap<NotebookPanel, ReproduceRun>();
    const status = new ReproduceStatus();
    const statusActivity = new Signal<unknown, void>(status);
    const showCurrentRun = () => {
      status.setRun((tracker.currentWidget && runs.get(tracker.currentWidget)) ?? null);
      statusActivity.emit();
    };
    tracker.currentChanged.connect(showCurrentRun);
    statusBar?.registerStatusItem(`${PLUGIN_ID}:status`, {
      item: status,
      align: 'left',
      rank: 10,
      isActive: () => !!tracker.currentWidget && runs.has(tracker.currentWidget),
      activeStateChanged: statusActivity
    });
    // The summary describes the notebook as the run left it: a new audit of one of its
    // cells, or an edit of its code, and it no longer does.
    const outdated = (panel: NotebookPanel) => {
      const run = runs.get(panel);
      if (!run || running.has(panel) || (run.phase !== 'done' && run.phase !== 'failed')) return;
      runs.delete(panel);
      showCurrentRun();
    };
    service.recorder.recorded.connect((_, { panel }) => outdated(panel));
    tracker.widgetAdded.connect((_, panel) => watchEdits(panel, outdated));
    tracker.forEach(panel => watchEdits(panel, outdated));
    // Toolbar buttons to enable or disable, and the commands' state, as runs start and end.
    const busyChanged = new Set<() => void>([() => app.commands.notifyCommandChanged(CommandIDs.reproduceNotebook)]);
    tracker.currentChanged.connect(() => app.commands.notifyCommandChanged(CommandIDs.reproduceNotebook));
    const setBusy = (panel: NotebookPanel, busy: boolean) => {
      if (busy) running.add(panel);
      else running.delete(panel);
      busyChanged.forEach(f => f());
    };

    const reproduce = async (panel: NotebookPanel): Promise<void> => {
      if (running.has(panel)) return;
      const name = nameOf(panel);
      const meta = auditedMetadata(panel);
      if (!meta) {
        Notification.error(neverAudited(panel), { autoClose: false });
        return;
      }
      setBusy(panel, true);
      const run = new ReproduceRun(name, cellsToRun(panel));
      runs.set(panel, run);
      showCurrentRun();
      if (!statusBar) Notification.info(`Reproducing ${name}: ${run.text}`, { autoClose: 10_000 });
      const follow = (_: unknown, tally: RepeatTally) => {
        if (tally.panel === panel) run.progress(tally);
      };
      try {
        const where = containerLocation(panel.context.localPath, meta.container?.archive);
        if (where.path && !(await exists(contents, where.path))) {
          throw new ReproduceError(
            where.named ? 'the container it names is not there: press Package, or Choose Container…' : 'it has no container yet: press Package first',
            `There is no ${where.path}. Package builds the container beside the notebook` +
              (where.named ? '; retrace: Choose Container… names another archive.' : '.')
          );
        }
        // The repeat kernel finds its container and mode in the saved notebook.
        panel.content.model?.setMetadata(METADATA_KEY, { ...meta, container: { archive: where.archive, mode: settings().repeatMode } });
        await panel.context.save();

        const kernel = await startRepeatKernel(panel.sessionContext);
        const session = await service.client.session(kernel.id);
        if (!session) throw new ReproduceError('the repeat kernel started, but retrace has no session for it (is jupyter-server-proxy enabled?)');
        if (!session.audited)
          throw new ReproduceError(session.notAuditedReason ?? 'the repeat sandbox did not start: the cells would run on the host, not in the container');

        run.running();
        recorder.progress.connect(follow);
        // Errors are the verdicts' business: a failing cell is a result, not a reason to stop following.
        await NotebookActions.runAll(panel.content, panel.sessionContext).catch(() => false);
        // Undefined when no cell was queued (nothing to run): the run is then over at once.
        const tally = await recorder.whenSettled(panel);
        if (tally?.interrupted || panel.sessionContext.session?.kernel !== kernel) {
          throw new ReproduceError(
            'the repeat kernel restarted, stopped or was replaced during the run',
            tally ? `${run.settled} of ${run.total} cells were settled.` : ''
          );
        }
        run.finish(tally ?? { summary: { total: 0, reproduced: 0, changed: 0, diverged: 0, failed: 0 }, notRun: 0, unjudged: 0 });
        const line = `${name}: ${run.text}`;
        if (run.allReproduced) Notification.success(line, { autoClose: 8000 });
        else Notification.warning(line, { autoClose: false });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const whole = e instanceof ReproduceError && e.detail ? `${message}. ${e.detail}` : message;
        run.fail(message);
        Notification.error(`Could not reproduce ${name}: ${message}`, {
          autoClose: false,
          actions: [
            {
              label: 'Details',
              caption: 'Show the whole message',
              callback: () => void showDialog({ title: `Could not reproduce ${name}`, body: whole, buttons: [Dialog.okButton({ label: 'Close' })] })
            }
          ]
        });
      } finally {
        recorder.progress.disconnect(follow);
        setBusy(panel, false);
      }
    };

    const chooseContainer = async (panel: NotebookPanel): Promise<void> => {
      const meta = auditedMetadata(panel);
      if (!meta) {
        Notification.error(neverAudited(panel), { autoClose: false });
        return;
      }
      const current = containerLocation(panel.context.localPath, meta.container?.archive).archive;
      const answer = await InputDialog.getText({
        title: `Container for ${nameOf(panel)}`,
        label: 'The container archive, relative to the notebook (or an absolute path on the server):',
        text: current,
        okLabel: 'Choose'
      });
      const given = answer.button.accept ? answer.value?.trim() : '';
      if (!given) return;
      const where = containerLocation(panel.context.localPath, given);
      try {
        if (where.path && !(await exists(contents, where.path))) {
          Notification.error(`There is no file ${where.path}: the container was not changed.`, { autoClose: 8000 });
          return;
        }
      } catch (e) {
        Notification.error(`Could not check ${where.path}: ${e instanceof Error ? e.message : String(e)}`, { autoClose: 8000 });
        return;
      }
      const latest = auditedMetadata(panel) ?? meta;
      panel.content.model?.setMetadata(METADATA_KEY, { ...latest, container: { ...latest.container, archive: where.archive } });
      Notification.success(`${nameOf(panel)} will be reproduced in ${where.archive}`, { autoClose: 5000 });
    };

    app.commands.addCommand(CommandIDs.reproduceNotebook, {
      label: 'Reproduce Notebook',
      caption: 'Run the notebook again on the repeat kernel, inside its container, and compare every cell with its audit',
      icon: args => (args.isPalette ? undefined : reproduceIcon),
      isEnabled: () => !!tracker.currentWidget && !running.has(tracker.currentWidget),
      execute: () => {
        const panel = tracker.currentWidget;
        if (panel) return reproduce(panel);
      }
    });
    app.commands.addCommand(CommandIDs.chooseContainer, {
      label: 'Choose Container…',
      caption: 'Choose the container archive the Reproduce button runs this notebook in',
      isEnabled: () => !!tracker.currentWidget,
      execute: () => {
        const panel = tracker.currentWidget;
        if (panel) return chooseContainer(panel);
      }
    });
    for (const command of [CommandIDs.reproduceNotebook, CommandIDs.chooseContainer]) palette?.addItem({ command, category: 'retrace' });

    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel: NotebookPanel) => {
        const button = new ToolbarButton({
          icon: reproduceIcon,
          label: 'Reproduce',
          tooltip: 'Run this notebook again in its container (the Python 3 (repeat) kernel) and compare every cell with its audit',
          onClick: () => void reproduce(panel)
        });
        button.addClass('jp-retrace-reproduce-button');
        const width = new ResizeObserver(([entry]) => button.toggleClass('jp-retrace-compact', entry.contentRect.width < COMPACT_TOOLBAR_BELOW_PX));
        width.observe(panel.toolbar.node);
        button.disposed.connect(() => width.disconnect());
        const sync = () => (button.enabled = !running.has(panel));
        busyChanged.add(sync);
        button.disposed.connect(() => busyChanged.delete(sync));
        if (!panel.toolbar.insertBefore('spacer', 'retrace-reproduce', button)) panel.toolbar.addItem('retrace-reproduce', button);
        return button;
      }
    });
  }
};
