/**
 * What both kernel launchers (audit and repeat) do once their command is chosen:
 * start it, follow its trace, relay the signals Jupyter sends to the kernel, end it
 * when the launcher is orphaned, and, when it exits, analyse the rest of the trace
 * and record how the session ended.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { installSignalRelay, ISOLATED_LAUNCHER_SIGNALS, LAUNCHER_SIGNALS } from '../../core/capture/signal-policy';
import { dirname } from 'node:path';
import { locateRun, writeSessionMeta, type SessionPaths } from '../store/sessions';
import type { SessionMeta } from '../../core/contract/records';
import type { SessionFollower } from './session-follower';

export interface SuperviseOptions {
  argv: string[];
  env: NodeJS.ProcessEnv;
  paths: SessionPaths;
  meta: SessionMeta;
  follower?: SessionFollower;
  /** The kernel's process(es) to signal, given the started command's pid. */
  kernelPids(childPid: number): number[];
  /** Run after the trace is analysed, before the session is marked ended. */
  cleanUp?(): Promise<void>;
  /**
   * Start the command in a process group of its own and pass every signal on,
   * SIGINT included (see ISOLATED_LAUNCHER_SIGNALS).
   */
  isolate?: boolean;
}

/** Start the kernel and resolve with the exit code the launcher should exit with. */
export function superviseKernel(o: SuperviseOptions): Promise<number> {
  const child = spawn(o.argv[0], o.argv.slice(1), { stdio: 'inherit', env: o.env, detached: o.isolate });
  o.follower?.start();
  const kernelPids = () => (child.pid === undefined ? [] : o.kernelPids(child.pid));
  const policy = o.isolate ? ISOLATED_LAUNCHER_SIGNALS : LAUNCHER_SIGNALS;
  const removeRelay = installSignalRelay(process, kernelPids, (pid, s) => process.kill(pid, s), policy);
  const stopWatchingParent = endWithParent(kernelPids, child.pid);

  return new Promise<number>(resolve => {
    child.on('error', err => {
      process.stderr.write(`retrace: could not start the kernel: ${err.message}\n`);
      resolve(127);
    });
    child.on('exit', async (code, signal) => {
      removeRelay();
      stopWatchingParent();
      // Whatever the kernel did up to its last line is analysed and kept.
      await o.follower?.stop().catch(e => process.stderr.write(`retrace: analysing the trace failed: ${e}\n`));
      await o.cleanUp?.().catch(() => undefined);
      o.meta.endedAt = new Date().toISOString();
      o.meta.exitCode = code;
      o.meta.exitSignal = signal;
      o.meta.launcherMaxRssKb = process.resourceUsage().maxRSS;
      // Into this run's folder, wherever a restart has moved it: never over the next run's.
      const paths = locateRun(o.meta.id, o.meta.run, dirname(o.paths.dir));
      if (paths) writeSessionMeta(paths, o.meta);
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

/**
 * The plain kernel exits when the process that started it dies (its parent poller
 * sees itself orphaned); under strace its parent is strace, which lives on. So the
 * launcher watches its own parent and, once orphaned, ends the kernel itself.
 */
function endWithParent(kernelPids: () => number[], tracerPid: number | undefined): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    for (const pid of kernelPids()) trySignal(pid, 'SIGTERM');
    setTimeout(() => tracerPid !== undefined && trySignal(tracerPid, 'SIGKILL'), 5000).unref();
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
