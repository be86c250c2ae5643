/**
 * `retrace help [COMMAND]`: the list of commands with a line each, or one command's
 * usage. Each command's text is in its own file; this one only gathers them.
 */
import { attachHelp } from './attach';
import { auditHelp } from './audit';
import type { CommandHelp } from './command-help';
import { companionHelp } from './companion';
import { depsHelp } from './deps';
import { diffHelp } from './diff';
import { doctorHelp } from './doctor';
import { kernelHelp } from './kernel';
import { packageHelp } from './package';
import { repeatHelp } from './repeat';
import { versionHelp } from './version';

export const helpHelp: CommandHelp = {
  name: 'help',
  summary: "print this list, or a command's usage",
  usage: `usage: retrace help [COMMAND]

Prints the list of commands, or COMMAND's usage: what it does, its arguments and
options with their defaults, its exit status and an example. \`retrace --help\`,
\`retrace -h\` and \`retrace\` alone print the list too; \`retrace COMMAND --help\` (or -h)
prints COMMAND's usage.

arguments:
  COMMAND              a command from the list (default: none, print the list)

options:
  -h, --help           print this message

exit status: 0; 2 an unknown command or option.

example:
  retrace help repeat
`
};

/** In the order the list shows them: the work flow first, the plumbing last. */
export const COMMANDS: readonly CommandHelp[] = [
  doctorHelp,
  auditHelp,
  attachHelp,
  packageHelp,
  depsHelp,
  repeatHelp,
  diffHelp,
  companionHelp,
  kernelHelp,
  versionHelp,
  helpHelp
];

export function globalUsage(): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length));
  return `usage: retrace <command> [options]

Records what a notebook's run uses (audit), packs it into a container (package) and
runs it there again to say, cell by cell, whether it reproduced (repeat).

commands:
${COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

\`retrace help COMMAND\` or \`retrace COMMAND --help\` prints a command's arguments,
options, exit status and an example.

environment:
  RETRACE_HOME         where sessions are recorded and containers unpacked (default:
                       $XDG_DATA_HOME/retrace, else ~/.local/share/retrace)
  RETRACE_PYTHON       the Python kernels run (default: python3; the retrace script
                       sets the one it is installed in)
  RETRACE_DEBUG        when set, the Jupyter client's chatter goes to stderr
`;
}

/** COMMAND's usage, or the list of commands for none (or a name no command has). */
export function usageOf(topic?: string): string {
  return COMMANDS.find(c => c.name === topic)?.usage ?? globalUsage();
}
