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

  it('reports this machine as ready to audit', async () => {
    const r = await fetch(companion('environment'), { headers: { Authorization: `token ${server.token}` } });
    expect(r.status).toBe(200);
    const { report, diagnosis } = await r.json();
    expect(report.strace).toMatchObject({ found: true, ptracePermitted: true });
    expect(report.python.ipykernel).toMatch(/^\d+\./);
    expect(diagnosis.auditReady).toBe(true);
  });
});
