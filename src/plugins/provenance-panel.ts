/** Puts the Provenance panel in the right sidebar, with commands to open and refresh it. */
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { retraceIcon } from '../icons';
import { ProvenancePanel } from '../panels/provenance-panel';
import { CommandIDs, IRetraceService } from '../tokens';

export const provenancePanelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-retrace:provenance-panel',
  description: 'The Provenance sidebar: environment report now, per-cell provenance later.',
  autoStart: true,
  requires: [IRetraceService],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    service: IRetraceService,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settings: ISettingRegistry | null
  ) => {
    const panel = new ProvenancePanel(service.environment);
    panel.title.icon = retraceIcon;
    app.shell.add(panel, 'right', { rank: 600 });
    restorer?.add(panel, panel.id);

    // The probe spawns a few programs on the server: do it once, when first needed.
    let loaded = false;
    const loadOnce = () => {
      if (!loaded) {
        loaded = true;
        void service.environment.refresh();
      }
    };
    // However it is opened: its sidebar tab clicked, restored open, or the command.
    if (panel.isVisible) loadOnce();
    panel.shown.connect(loadOnce);

    app.commands.addCommand(CommandIDs.showProvenance, {
      label: 'Show Provenance Panel',
      caption: 'Open the retrace Provenance panel',
      execute: () => {
        app.shell.activateById(panel.id);
        loadOnce();
      }
    });
    app.commands.addCommand(CommandIDs.refreshEnvironment, {
      label: 'Check Environment for Auditing',
      caption: 'Probe strace, proot, bwrap and the kernel interpreter again',
      execute: async () => {
        loaded = true;
        await service.environment.refresh(true);
      }
    });
    for (const command of [CommandIDs.showProvenance, CommandIDs.refreshEnvironment]) {
      palette?.addItem({ command, category: 'retrace' });
    }

    if (settings) {
      void settings.load('jupyterlab-retrace:provenance-panel').then(s => {
        if (s.get('openOnStart').composite === true) {
          app.restored.then(() => app.commands.execute(CommandIDs.showProvenance));
        }
      });
    }
  }
};
