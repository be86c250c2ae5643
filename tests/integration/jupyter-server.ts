/**
 * A real Jupyter server for integration tests: started from .venv on a free loopback
 * port with a random token, its own root folder and RETRACE_HOME, stopped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from '@jupyterlab/services';
import WebSocket from 'ws';

export const REPO = resolve(__dirname, '..', '..');
export const VENV_BIN = join(REPO, '.venv', 'bin');

export interface RunningServer {
  url: string;
  token: string;
  root: string;
  retraceHome: string;
  settings: ServerConnection.ISettings;
  kernels: KernelManager;
  output: () => string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

export async function startServer(env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const root = mkdtempSync(join(tmpdir(), 'retrace-it-root-'));
  const retraceHome = mkdtempSync(join(tmpdir(), 'retrace-it-home-'));
  const url = `http://127.0.0.1:${port}/`;
  let log = '';
  const child: ChildProcess = spawn(
    join(VENV_BIN, 'jupyter'),
    [
      'server',
      '--no-browser',
      '--allow-root',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${root}`
    ],
    {
      cwd: root,
      env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: retraceHome, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  child.stdout!.on('data', d => (log += d));
  child.stderr!.on('data', d => (log += d));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter server exited early:\n${log}`);
    try {
      const r = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`jupyter server did not start in 60 s:\n${log}`);
    await new Promise(r => setTimeout(r, 250));
  }

  const settings = ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket
  });
  const kernels = new KernelManager({ serverSettings: settings });
  return {
    url,
    token,
    root,
    retraceHome,
    settings,
    kernels,
    output: () => log,
    async stop() {
      kernels.dispose();
      if (child.exitCode !== null) return;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
}

export interface CellRun {
  status: string;
  stdout: string;
  stderr: string;
  result: string;
  error?: { ename: string; evalue: string };
}

/** Execute code and gather what it printed, returned and raised. */
export async function execute(kernel: Kernel.IKernelConnection, code: string, onStarted?: () => void): Promise<CellRun> {
  const run: CellRun = { status: '', stdout: '', stderr: '', result: '' };
  const future = kernel.requestExecute({ code, stop_on_error: true });
  let started = false;
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    const c = msg.content as any;
    switch (msg.header.msg_type) {
      case 'status':
        if (c.execution_state === 'busy' && !started) {
          started = true;
          onStarted?.();
        }
        break;
      case 'stream':
        if (c.name === 'stdout') run.stdout += c.text;
        else run.stderr += c.text;
        break;
      case 'execute_result':
        run.result += c.data['text/plain'] ?? '';
        break;
      case 'error':
        run.error = { ename: c.ename, evalue: c.evalue };
        break;
    }
  };
  const reply = await future.done;
  run.status = (reply.content as any).status;
  return run;
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
