/** `retrace`: the command-line entry point, bundled into one file the Python package ships. */
import { parseArgs, usage, UsageError, USAGE, type Command } from '../../core/cli/args';
import { InputError } from '../../core/errors';
import { diagnose, formatReport } from '../../core/environment/report';
import { RETRACE_VERSION } from '../../core/version';
import { launchAuditKernel } from '../capture/audit-launcher';
import { attachNotebook } from './attach';
import { auditNotebook } from './audit';
import { depsCommand } from './deps';
import { diffCommand } from './diff';
import { packageNotebook } from './package';
import { launchRepeatKernel } from '../repeat/repeat-launcher';
import { repeatNotebook } from './repeat';
import { runCompanion } from '../service/companion';
import { kernelPython, probeEnvironment } from '../system/probe';

async function execute(cmd: Command): Promise<number> {
  switch (cmd.name) {
    case 'help':
      process.stdout.write(usage(cmd.topic));
      return 0;
    case 'version':
      process.stdout.write(`retrace ${RETRACE_VERSION}\n`);
      return 0;
    case 'doctor': {
      const report = await probeEnvironment();
      const diagnosis = diagnose(report);
      process.stdout.write(cmd.json ? JSON.stringify({ report, diagnosis }, null, 2) + '\n' : formatReport(report, diagnosis));
      return diagnosis.auditReady ? 0 : 1;
    }
    case 'companion':
      return runCompanion(cmd.socket);
    case 'audit':
      return auditNotebook({ notebook: cmd.notebook, output: cmd.output, python: kernelPython() });
    case 'attach':
      return attachNotebook(cmd);
    case 'package':
      return packageNotebook(cmd);
    case 'deps':
      return depsCommand(cmd);
    case 'repeat':
      return repeatNotebook({ notebook: cmd.notebook, container: cmd.container, output: cmd.output, strict: cmd.strict, python: kernelPython() });
    case 'diff':
      return diffCommand(cmd);
    case 'kernel-repeat':
      return launchRepeatKernel({ connectionFile: cmd.connectionFile, python: cmd.python ?? kernelPython(), kernelArgs: cmd.kernelArgs });
    case 'kernel-audit':
      return launchAuditKernel({
        connectionFile: cmd.connectionFile,
        python: cmd.python ?? kernelPython(),
        kernelArgs: cmd.kernelArgs
      });
  }
}

/**
 * @jupyterlab/services, which the headless commands use to drive kernels, logs its
 * connection chatter ("Starting WebSocket: …") with console.log. retrace writes its
 * own output explicitly, so that chatter goes to stderr only when RETRACE_DEBUG is set.
 */
function quietLibraryLogging(): void {
  const toStderr = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  const quiet = () => undefined;
  console.log = console.info = console.debug = process.env.RETRACE_DEBUG ? toStderr : quiet;
}

async function main(): Promise<void> {
  quietLibraryLogging();
  let cmd: Command;
  try {
    cmd = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`retrace: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw e;
  }
  // A command whose work stalls (a stream that never ends) would let Node exit 0 with
  // nothing done: say so and fail instead.
  let finished = false;
  process.once('beforeExit', () => {
    if (finished) return;
    process.stderr.write(`retrace: ${cmd.name} stopped before finishing (internal error: its work stalled)\n`);
    process.exit(1);
  });
  try {
    process.exitCode = await execute(cmd);
    finished = true;
  } catch (e) {
    // Bad input (a broken notebook, a missing file) is the user's to fix: say so plainly.
    if (e instanceof InputError || (e instanceof Error && /: no such file/.test(e.message))) {
      process.stderr.write(`retrace: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

main().catch(e => {
  process.stderr.write(`retrace: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
