/**
 * The companion behind the Jupyter server: jupyter-server-proxy starts it on first use
 * and forwards only requests that carry the server's credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './jupyter-server';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const companion = (path: string) => `${server.url}retrace-companion/api/${path}`;

describe('the companion service', () => {
  it('answers an authenticated request with its health and version', async () => {
    const r = await fetch(companion('health'), { headers: { Authorization: `token ${server.token}` } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ name: 'retrace', status: 'ok' });
  });

  it('refuses a request without Jupyter credentials', async () => {
    for (const path of ['health', 'environment']) {
      const r = await fetch(companion(path), { redirect: 'manual' });
      // 403 for API-style requests; a redirect to the login page for browser-style ones
      expect([302, 403]).toContain(r.status);
      const text = await r.text();
      expect(text).not.toContain('"name":"retrace"');
    }
    const wrong = await fetch(companion('health'), { headers: { Authorization: 'token not-the-token' }, redirect: 'manual' });
    expect([302, 403]).toContain(wrong.status);
  });

  it('resolves a notebook path relative to the Jupyter root it was started with', async () => {
    // A notebook in the server's root, never audited: the job fails naming it by its contents path.
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(server.root, 'plain.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    const headers = { Authorization: `token ${server.token}`, 'Content-Type': 'application/json' };
    const start = await fetch(companion('package'), { method: 'POST', headers, body: JSON.stringify({ notebook: 'plain.ipynb' }) });
    expect(start.status).toBe(202);
    const { job, archivePath } = await start.json();
    expect(archivePath).toBe('plain.retrace.tar.gz');
    let status: any;
    for (let i = 0; i < 100 && status?.state !== 'failed'; i++) {
      if (i) await new Promise(r => setTimeout(r, 100));
      status = await (await fetch(companion(`jobs/${job}`), { headers })).json();
    }
    expect(status).toMatchObject({ state: 'failed', error: expect.stringMatching(/^plain\.ipynb was never audited/) });
  });

  it('reports this machine as ready to audit', async () => {
    const r = await fetch(companion('environment'), { headers: { Authorization: `token ${server.token}` } });
    expect(r.status).toBe(200);
    const { report, diagnosis } = await r.json();
    expect(report.strace).toMatchObject({ found: true, ptracePermitted: true });
    expect(report.python.ipykernel).toMatch(/^\d+\./);
    expect(diagnosis.auditReady).toBe(true);
  });
});
