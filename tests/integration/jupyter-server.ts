/**
 * Integration-test helpers: a real Jupyter server from .venv with its own root folder
 * and RETRACE_HOME (started by the same code `retrace audit` uses), and small waits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kernel } from '@jupyterlab/services';
import { executeCode, type ExecuteResult } from '../../server/runner/execute';
import { startJupyterServer, type JupyterServer } from '../../server/runner/jupyter-server';

export const REPO = resolve(__dirname, '..', '..');
export const VENV_BIN = join(REPO, '.venv', 'bin');

export interface RunningServer extends JupyterServer {
  root: string;
  retraceHome: string;
}

export async function startServer(env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const root = mkdtempSync(join(tmpdir(), 'retrace-it-root-'));
  const retraceHome = mkdtempSync(join(tmpdir(), 'retrace-it-home-'));
  const server = await startJupyterServer({
    python: join(VENV_BIN, 'python'),
    root,
    env: { PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: retraceHome, ...env }
  });
  return Object.assign(server, { root, retraceHome });
}

export type CellRun = ExecuteResult;

export function execute(kernel: Kernel.IKernelConnection, code: string, onStarted?: () => void): Promise<CellRun> {
  return executeCode(kernel, code, { onStarted });
}

/** Poll until `check` returns a value, within a bound. */
export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a command without blocking the test worker (a blocked worker misses vitest's
 * heartbeats during minute-long audits), killed at the timeout.
 */
export function run(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    // SIGTERM first: `retrace audit` then stops its private Jupyter server and kernel.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', status => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `retrace ARGS` from .venv, with its own RETRACE_HOME. */
export function retrace(args: string[], cwd: string, retraceHome: string, timeoutMs?: number): Promise<CommandResult> {
  return run(join(VENV_BIN, 'retrace'), args, {
    cwd,
    env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: retraceHome },
    timeoutMs
  });
}
