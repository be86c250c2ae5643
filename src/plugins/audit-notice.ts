/**
 * Tells the user at once when an audit kernel runs un-audited (strace missing or
 * ptrace refused), so no one mistakes an ordinary run for an audited one. The kernel
 * agent also says so in each cell's output; this puts it where it cannot be missed.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import { AUDIT_KERNEL, CommandIDs, IRetraceService } from '../tokens';

export const auditNoticePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-retrace:audit-notice',
  description: 'Warns when a notebook on the audit kernel is not actually being audited.',
  autoStart: true,
  requires: [IRetraceService, INotebookTracker],
  activate: (_app: JupyterFrontEnd, service: IRetraceService, tracker: INotebookTracker) => {
    const warned = new Set<string>();

    const check = async (kernel: Kernel.IKernelConnection | null | undefined) => {
      if (!kernel || kernel.name !== AUDIT_KERNEL || warned.has(kernel.id)) return;
      // The launcher writes its session as it starts, perhaps after the kernel connects: let the companion wait for it.
      const session = await service.client.session(kernel.id, { waitMs: 20_000 }).catch(() => undefined);
      if (session && !session.audited) {
        warned.add(kernel.id);
        Notification.warning(`This notebook's kernel is NOT being audited. ${session.notAuditedReason ?? ''}`, {
          autoClose: false,
          actions: [
            {
              label: 'Show environment',
              callback: () => void _app.commands.execute(CommandIDs.showProvenance)
            }
          ]
        });
      }
    };

    const watch = (panel: NotebookPanel) => {
      const ctx = panel.sessionContext;
      ctx.kernelChanged.connect((_, change) => {
        // The launcher writes its session record as it starts: ask once the kernel is up.
        change.newValue?.connectionStatusChanged.connect((k, status) => {
          if (status === 'connected') void check(k);
        });
      });
      void ctx.ready.then(() => check(ctx.session?.kernel));
    };
    tracker.widgetAdded.connect((_, panel) => watch(panel));
    tracker.forEach(watch);
  }
};
