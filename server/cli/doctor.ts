/**
 * `retrace doctor [--json]`: whether auditing and repeating can work on this machine
 * (strace and ptrace, bubblewrap, the kernel's Python and ipykernel), with the fix
 * for anything missing.
 */
import { diagnose, formatReport } from '../../core/environment/report';
import { probeEnvironment } from '../system/probe';
import type { CommandHelp } from './command-help';

export const doctorHelp: CommandHelp = {
  name: 'doctor',
  summary: 'report whether auditing and repeating can work here',
  usage: `usage: retrace doctor [--json]

Checks what auditing and repeating need on this machine: strace (whether ptrace is
permitted and --seccomp-bpf works), proot, bubblewrap, the kernel's Python and its
ipykernel, and says how to fix anything missing.

options:
  --json               the report and its diagnosis as JSON (default: a table)
  -h, --help           print this message

exit status: 0 auditing can work here; 1 it cannot (the report says why); 2 an
unknown option or argument.

example:
  retrace doctor
`
};

export async function doctorCommand(cmd: { json: boolean }): Promise<number> {
  const report = await probeEnvironment();
  const diagnosis = diagnose(report);
  process.stdout.write(cmd.json ? JSON.stringify({ report, diagnosis }, null, 2) + '\n' : formatReport(report, diagnosis));
  return diagnosis.auditReady ? 0 : 1;
}
