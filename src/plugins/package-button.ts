/**
 * "Package" in every notebook's toolbar (and "Package Notebook" in the palette):
 * saves the notebook, has the companion build its container beside it
 * (`<stem>.retrace.tar.gz`) with the user's settings, shows the progress in a
 * dialog, then what went in and what was left out, and why.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, Notification, showDialog } from '@jupyterlab/apputils';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { formatBytes } from '../../core/format-bytes';
import { packageIcon } from '../icons';
import { packageRequest, runPackageJob, type PackageSettings } from '../model/package-job';
import { PackageProgressView } from '../panels/package-progress';
import { packageResultBody } from '../panels/package-result';
import { CommandIDs, IRetraceService } from '../tokens';
import { watchSettings } from './watch-settings';

const PLUGIN_ID = 'jupyterlab-retrace:package-button';
/** The file browser's own refresh command (@jupyterlab/filebrowser-extension). */
const REFRESH_FILE_BROWSER = 'filebrowser:refresh';

const DEFAULT_SETTINGS: PackageSettings = { maxFileBytes: null, extraDenied: [], allowed: [] };

function readSettings(s: ISettingRegistry.ISettings): PackageSettings {
  const list = (key: string) => {
    const value = s.get(key).composite;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  };
  const max = s.get('maxFileBytes').composite;
  return { maxFileBytes: typeof max === 'number' && max > 0 ? max : null, extraDenied: list('extraDenied'), allowed: list('allowed') };
}

export const packageButtonPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'A "Package" notebook toolbar button and command: builds the notebook container from its last audit.',
  autoStart: true,
  requires: [IRetraceService, INotebookTracker],
  optional: [ICommandPalette, ISettingRegistry],
  activate: (app: JupyterFrontEnd, service: IRetraceService, tracker: INotebookTracker, palette: ICommandPalette | null, registry: ISettingRegistry | null) => {
    const settings = watchSettings(registry, PLUGIN_ID, readSettings, DEFAULT_SETTINGS, 'packaging');

    const running = new Set<NotebookPanel>();
    // Toolbar buttons to enable or disable, and the command's state, as jobs start and end.
    const busyChanged = new Set<() => void>([() => app.commands.notifyCommandChanged(CommandIDs.packageNotebook)]);
    tracker.currentChanged.connect(() => app.commands.notifyCommandChanged(CommandIDs.packageNotebook));

    const packageNotebook = async (panel: NotebookPanel): Promise<void> => {
      if (running.has(panel)) return;
      running.add(panel);
      busyChanged.forEach(f => f());
      const name = panel.context.localPath.split('/').pop() ?? panel.context.localPath;
      // Progress in a dialog the user may send to the background. (A notification
      // updated in place is not reliable: an update that comes before its toast is on
      // screen makes a second toast, which then outlives the job.)
      const view = new PackageProgressView();
      const progress = new Dialog({
        title: `Packaging ${name}`,
        body: view,
        buttons: [Dialog.cancelButton({ label: 'Run in background' })]
      });
      progress.addClass('jp-retrace-package-dialog');
      try {
        // The companion reads the notebook (and its audit metadata) from disk.
        await panel.context.save();
        progress.launch().catch(() => undefined);
        const outcome = await runPackageJob(service.client, packageRequest(panel.context.localPath, settings()), {
          onProgress: p => view.setProgress(p)
        });
        progress.dispose();
        const { summary } = outcome;
        Notification.success(
          `Packaged ${name}: ${formatBytes(summary.archiveBytes)}, ${summary.files} files` +
            (summary.leftOut.length ? `, ${summary.leftOut.length} left out` : ''),
          { autoClose: 5000 }
        );
        if (app.commands.hasCommand(REFRESH_FILE_BROWSER)) await app.commands.execute(REFRESH_FILE_BROWSER).catch(() => undefined);
        await showDialog({ title: `Packaged ${name}`, body: packageResultBody(outcome), buttons: [Dialog.okButton({ label: 'Close' })] });
      } catch (e) {
        progress.dispose();
        const message = e instanceof Error ? e.message : String(e);
        Notification.error(`Could not package ${name}: ${message}`, {
          autoClose: false,
          actions: [
            {
              label: 'Details',
              caption: 'Show the whole message',
              callback: () => void showDialog({ title: `Could not package ${name}`, body: message, buttons: [Dialog.okButton({ label: 'Close' })] })
            }
          ]
        });
      } finally {
        running.delete(panel);
        busyChanged.forEach(f => f());
      }
    };

    app.commands.addCommand(CommandIDs.packageNotebook, {
      label: 'Package Notebook',
      caption: 'Save the notebook and package it with everything its audited run used into <name>.retrace.tar.gz beside it',
      icon: args => (args.isPalette ? undefined : packageIcon),
      isEnabled: () => !!tracker.currentWidget && !running.has(tracker.currentWidget),
      execute: () => {
        const panel = tracker.currentWidget;
        if (panel) return packageNotebook(panel);
      }
    });
    palette?.addItem({ command: CommandIDs.packageNotebook, category: 'retrace' });

    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel: NotebookPanel) => {
        const button = new ToolbarButton({
          icon: packageIcon,
          label: 'Package',
          tooltip: 'Package this notebook and what its audited run used into <name>.retrace.tar.gz',
          onClick: () => void packageNotebook(panel)
        });
        button.addClass('jp-retrace-package-button');
        const sync = () => (button.enabled = !running.has(panel));
        busyChanged.add(sync);
        button.disposed.connect(() => busyChanged.delete(sync));
        if (!panel.toolbar.insertBefore('spacer', 'retrace-package', button)) panel.toolbar.addItem('retrace-package', button);
        return button;
      }
    });
  }
};
