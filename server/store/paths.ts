/** Where retrace keeps its data on disk. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** RETRACE_HOME, else $XDG_DATA_HOME/retrace, else ~/.local/share/retrace. */
export function retraceHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RETRACE_HOME) return env.RETRACE_HOME;
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(data, 'retrace');
}

export function sessionsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(retraceHome(env), 'sessions');
}
