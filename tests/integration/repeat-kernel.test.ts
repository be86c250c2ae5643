/**
 * The retrace-repeat kernel as JupyterLab starts it: through a notebook session (so
 * Jupyter tells it the notebook in JPY_SESSION_NAME and it finds the container beside
 * it), inside bubblewrap, traced; interrupted, shut down; and, with no container,
 * still starting and saying in every cell why it is not repeating.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '@jupyterlab/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, retrace, startServer, waitFor, type RunningServer } from './jupyter-server';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  writeFileSync(join(server.root, 'data.csv'), 'a,b\n1,2\n');
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'retrace-audit', display_name: 'Python 3 (audit)', language: 'python' } },
    cells: [{ id: 'read', cell_type: 'code', source: "print(open('data.csv').read())", metadata: {}, outputs: [], execution_count: null }]
  };
  writeFileSync(join(server.root, 'nb.ipynb'), JSON.stringify(nb));
  writeFileSync(join(server.root, 'lonely.ipynb'), JSON.stringify(nb));
  for (const step of [
    ['audit', 'nb.ipynb'],
    ['package', 'nb.ipynb']
  ]) {
    const r = await retrace(step, server.root, server.retraceHome, 300_000);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }
}, 600_000);
afterAll(async () => {
  await server?.stop();
});

const readMeta = (id: string) => JSON.parse(readFileSync(join(server.retraceHome, 'sessions', id, 'session.json'), 'utf8'));

async function openNotebook(path: string): Promise<Session.ISessionConnection> {
  const session = await server.sessions.startNew({ path, name: path, type: 'notebook', kernel: { name: 'retrace-repeat' } });
  await session.kernel!.info;
  return session;
}

describe('the retrace-repeat kernel', () => {
  it('finds the container beside the notebook, runs in it, survives an interrupt and cleans up', async () => {
    const session = await openNotebook('nb.ipynb');
    const kernel = session.kernel!;
    const run = await execute(kernel, "print(open('data.csv').read().splitlines()[1])");
    expect(run.status).toBe('ok');
    expect(run.stdout).toBe('1,2\n');
    const meta = readMeta(kernel.id);
    expect(meta).toMatchObject({ kind: 'repeat', audited: true, container: { archive: join(server.root, 'nb.retrace.tar.gz'), mode: 'layered' } });
    expect(meta.argv).toContain('/usr/bin/bwrap');

    // Jupyter interrupts by signalling the launcher, which relays to the python in the sandbox.
    const long = execute(kernel, 'import time\ntime.sleep(60)', () => setTimeout(() => void kernel.interrupt(), 1500));
    const interrupted = await long;
    expect(interrupted.status).toBe('error');
    expect(interrupted.error?.ename).toBe('KeyboardInterrupt');
    expect((await execute(kernel, 'print(6 * 7)')).stdout).toBe('42\n');

    await session.shutdown();
    await waitFor(() => readMeta(kernel.id).endedAt, 'the launcher to record the end', 30_000);
    const views = join(server.retraceHome, 'containers', '.views');
    expect((existsSync(views) ? readdirSync(views) : []).filter(name => name.startsWith('view-'))).toEqual([]); // templates stay for the next run
  }, 300_000);

  it('with no container, starts the ordinary kernel and says in every cell why it is not repeating', async () => {
    const session = await openNotebook('lonely.ipynb');
    const run = await execute(session.kernel!, 'print(1)');
    expect(run.stdout).toBe('1\n');
    expect(run.stderr).toContain('retrace: this cell is NOT being repeated in its container.');
    expect(run.stderr).toContain('no container for');
    expect(readMeta(session.kernel!.id)).toMatchObject({ kind: 'repeat', audited: false });
    await session.shutdown();
  }, 120_000);
});
