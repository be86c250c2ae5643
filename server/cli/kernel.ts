/**
 * `retrace kernel audit|repeat -f CONNECTION_FILE`: what the retrace-audit and
 * retrace-repeat kernelspecs run (server/capture/audit-launcher.ts and
 * server/repeat/repeat-launcher.ts are the kernels themselves).
 */
import { launchAuditKernel } from '../capture/audit-launcher';
import { launchRepeatKernel } from '../repeat/repeat-launcher';
import { kernelPython } from '../system/probe';
import type { CommandHelp } from './command-help';

export const kernelHelp: CommandHelp = {
  name: 'kernel',
  summary: 'run the audit or the repeat kernel (what the retrace kernelspecs run)',
  usage: `usage: retrace kernel audit|repeat -f CONNECTION_FILE [--python PYTHON] [-- KERNEL_ARGS...]

Runs a Jupyter kernel, as the kernelspecs retrace-audit ("Python 3 (audit)") and
retrace-repeat ("Python 3 (repeat)") do: Jupyter starts it, not you. audit runs the
IPython kernel under strace, recording a session in RETRACE_HOME/sessions; repeat
runs the audited interpreter from the notebook's container in a bubblewrap sandbox,
traced the same way.

arguments:
  audit|repeat         which kernel
  KERNEL_ARGS          passed on to ipykernel unchanged

options:
  -f CONNECTION_FILE   the connection file Jupyter wrote for the kernel (required)
  --python PYTHON      the host's interpreter for ipykernel (default: RETRACE_PYTHON, else
                       python3); a repeat runs the container's, this only when its
                       sandbox cannot start
  -h, --help           print this message

environment (repeat): RETRACE_CONTAINER the container (default: the one the notebook's
metadata names, else NOTEBOOK-STEM.retrace.tar.gz beside it); RETRACE_REPEAT_MODE=strict
takes nothing from the host the container lacks.

exit status: the kernel's (128+N when signal N ended it); 127 the kernel could not
start; 2 no kind or connection file, or an unknown option.

example:
  retrace kernel audit -f /run/user/1000/jupyter/runtime/kernel-1.json
`
};

export interface KernelCommand {
  connectionFile: string;
  python?: string;
  kernelArgs: string[];
}

export function kernelCommand(kind: 'audit' | 'repeat', cmd: KernelCommand): Promise<number> {
  const opts = { connectionFile: cmd.connectionFile, python: cmd.python ?? kernelPython(), kernelArgs: cmd.kernelArgs };
  return kind === 'audit' ? launchAuditKernel(opts) : launchRepeatKernel(opts);
}
