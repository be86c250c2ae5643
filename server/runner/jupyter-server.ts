/**
 * A private Jupyter server: started on a free loopback port with a random token, so
 * headless commands and integration tests drive real kernels through the same REST
 * and WebSocket API JupyterLab uses. Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { KernelManager, ServerConnection, SessionManager } from '@jupyterlab/services';
import WebSocket from 'ws';

export interface JupyterServerOptions {
  /** The interpreter that has jupyter_server installed. */
  python: string;
  /** The server's root folder; kernels of notebooks start in the notebook's folder under it. */
  root: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

export interface JupyterServer {
  url: string;
  token: string;
  settings: ServerConnection.ISettings;
  kernels: KernelManager;
  sessions: SessionManager;
  /** What the server printed so far, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startJupyterServer(opts: JupyterServerOptions): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const url = `http://127.0.0.1:${port}/`;
  let log = '';
  const child: ChildProcess = spawn(
    opts.python,
    [
      '-m',
      'jupyter_server',
      '--no-browser',
      '--allow-root',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${opts.root}`,
      // A kernel that dies must stay dead: a headless run reports it rather than
      // carrying on in a fresh kernel that lacks the earlier cells' state.
      '--KernelManager.autorestart=False'
    ],
    { cwd: opts.root, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  child.stdout!.on('data', d => (log += d));
  child.stderr!.on('data', d => (log += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(r => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter server exited early:\n${log}`);
    try {
      const r = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter server did not start in time:\n${log}`);
    }
    await new Promise(r => setTimeout(r, 200));
  }

  const settings = ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket
  });
  const kernels = new KernelManager({ serverSettings: settings });
  const sessions = new SessionManager({ serverSettings: settings, kernelManager: kernels });
  return {
    url,
    token,
    settings,
    kernels,
    sessions,
    output: () => log,
    async stop() {
      sessions.dispose();
      kernels.dispose();
      await stop();
    }
  };
}

/**
 * Interrupted (Ctrl-C, a CI timeout): stop the private server and its kernel too,
 * then exit. Returns the function that stops listening once the command is done.
 */
export function stopOnInterrupt(server: JupyterServer, say: (line: string) => void): () => void {
  const abandon = (signal: NodeJS.Signals) => {
    say(`${signal}, stopping the kernel`);
    void server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', abandon);
  process.once('SIGTERM', abandon);
  return () => {
    process.off('SIGINT', abandon);
    process.off('SIGTERM', abandon);
  };
}
