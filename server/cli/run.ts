/**
 * `retrace ARGS…` as a function: parse, answer help and usage errors, run the command,
 * resolve to the exit status. main.ts adds what only a process has (logging, the
 * stalled-work guard, fatal errors); the tests call this directly.
 */
import { commandName, parseArgs, UsageError, type Command } from '../../core/cli/args';
import { kernelPython } from '../system/probe';
import { attachNotebook } from './attach';
import { auditNotebook } from './audit';
import { companionCommand } from './companion';
import { depsCommand } from './deps';
import { diffCommand } from './diff';
import { doctorCommand } from './doctor';
import { usageOf } from './help';
import { kernelCommand } from './kernel';
import { packageNotebook } from './package';
import { repeatNotebook } from './repeat';
import { versionCommand } from './version';

/** Where runCli writes what it prints itself: help, the version, usage errors. */
export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Called with the parsed command just before it runs (not after a usage error). */
  onRun?: (cmd: Command) => void;
}

const processOutput: CliOutput = {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text)
};

function execute(cmd: Command, io: CliOutput): Promise<number> | number {
  switch (cmd.name) {
    case 'help':
      io.out(usageOf(cmd.topic));
      return 0;
    case 'version':
      return versionCommand(io.out);
    case 'doctor':
      return doctorCommand(cmd);
    case 'companion':
      return companionCommand(cmd);
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
    case 'kernel-audit':
      return kernelCommand('audit', cmd);
    case 'kernel-repeat':
      return kernelCommand('repeat', cmd);
  }
}

/**
 * Runs `retrace ARGV…` and resolves to its exit status. A usage error prints the
 * usage of the command it is about (the list of commands when there is none, or
 * when `help` itself was misused) on stderr and resolves to 2.
 */
export async function runCli(argv: string[], io: CliOutput = processOutput): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const about = commandName(argv[0]);
    io.err(`retrace: ${e.message}\n\n${usageOf(about === 'help' ? undefined : about)}`);
    return 2;
  }
  io.onRun?.(cmd);
  return execute(cmd, io);
}
