/**
 * `retrace companion --socket PATH`: the companion service JupyterLab talks to, on a
 * unix socket (server/service/companion.ts is the service itself).
 */
import { runCompanion } from '../service/companion';
import type { CommandHelp } from './command-help';

export const companionHelp: CommandHelp = {
  name: 'companion',
  summary: 'run the companion service JupyterLab talks to, on a unix socket',
  usage: `usage: retrace companion --socket PATH

Serves the companion's HTTP API (sessions, cell records, dependency reports,
verdicts, packaging) on a unix socket only its user may connect to, until SIGTERM
or SIGINT. JupyterLab starts it for you through jupyter-server-proxy.

options:
  --socket PATH        the unix socket to listen on (required; an old one there is replaced)
  -h, --help           print this message

exit status: 0 stopped by a signal; 1 it could not listen on PATH; 2 no --socket, or
an unknown option or argument.

example:
  retrace companion --socket /tmp/retrace-companion.sock
`
};

export function companionCommand(cmd: { socket: string }): Promise<number> {
  return runCompanion(cmd.socket);
}
