/** `retrace version` (or `--version`, `-V`): the version of retrace. */
import { RETRACE_VERSION } from '../../core/version';
import type { CommandHelp } from './command-help';

export const versionHelp: CommandHelp = {
  name: 'version',
  summary: 'print the version',
  usage: `usage: retrace version

Prints the version of retrace (\`retrace --version\` and \`retrace -V\` do the same).

options:
  -h, --help           print this message

exit status: 0; 2 an unknown option or argument.

example:
  retrace version
`
};

export function versionCommand(out: (text: string) => void): number {
  out(`retrace ${RETRACE_VERSION}\n`);
  return 0;
}
