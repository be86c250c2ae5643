/**
 * The client's requests as the companion receives them: method, path and query of
 * every call, through the same URL joining the Jupyter server's proxy sees.
 */
import { ServerConnection } from '@jupyterlab/services';
import { describe, expect, it } from 'vitest';
import { CompanionError, RetraceClient } from './api';

const KERNEL = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const BASE = 'http://localhost:8888/lab-base/';

/** A client whose fetch records each request and answers `answer` (200 `{}` by default). */
function recordingClient(answer: (url: URL) => { status: number; body: unknown } = () => ({ status: 200, body: {} })) {
  const seen: Array<{ method: string; url: URL; body?: string }> = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    seen.push({ method: request.method, url, body: request.method === 'POST' ? await request.text() : undefined });
    const { status, body } = answer(url);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
  const settings = ServerConnection.makeSettings({ baseUrl: BASE, wsUrl: 'ws://localhost:8888/lab-base/', fetch, token: '', appendToken: false });
  return { client: new RetraceClient(settings), seen };
}

/** A request as `METHOD /path?query`, the part below the base URL, less the cache buster JupyterLab appends (`?1712345678901`). */
const shown = (r: { method: string; url: URL }) =>
  `${r.method} ${r.url.pathname.slice(new URL(BASE).pathname.length - 1)}${r.url.search.replace(/[?&]\d+$/, '')}`;

describe('RetraceClient requests', () => {
  it('asks every route at the path and with the query keys the companion reads', async () => {
    const { client, seen } = recordingClient();
    await client.health();
    await client.environment();
    await client.environment(true);
    await client.session(KERNEL);
    await client.session(KERNEL, { waitMs: 5000, afterRun: 'r1' });
    await client.execution(KERNEL, undefined, 'cell-a', 3);
    await client.execution(KERNEL, 'r2', 'cell-a', 3, 100);
    await client.verdict(KERNEL, undefined, { cell_id: 'c', execution_count: 1, code_hash: 'sha256:' + '0'.repeat(64), reply: 'ok', outputs: [] });
    await client.verdict(KERNEL, 'r3', { cell_id: 'c', execution_count: 1, code_hash: 'sha256:' + '0'.repeat(64), reply: 'ok', outputs: [] }, 10);
    await client.dependencies('s1');
    await client.dependencies('s1', 'work/a b.ipynb');
    await client.startPackage({ notebook: 'work/nb.ipynb' });
    await client.job('job-1');
    expect(seen.map(shown)).toEqual([
      'GET /retrace-companion/api/health',
      'GET /retrace-companion/api/environment',
      'GET /retrace-companion/api/environment?refresh=1',
      `GET /retrace-companion/api/sessions/${KERNEL}`,
      `GET /retrace-companion/api/sessions/${KERNEL}?wait_ms=5000&after_run=r1`,
      `GET /retrace-companion/api/sessions/${KERNEL}/executions?cell_id=cell-a&execution_count=3&wait_ms=15000`,
      `GET /retrace-companion/api/sessions/${KERNEL}/executions?cell_id=cell-a&execution_count=3&wait_ms=100&run=r2`,
      `POST /retrace-companion/api/sessions/${KERNEL}/verdict?wait_ms=30000`,
      `POST /retrace-companion/api/sessions/${KERNEL}/verdict?wait_ms=10&run=r3`,
      'GET /retrace-companion/api/sessions/s1/deps',
      'GET /retrace-companion/api/sessions/s1/deps?notebook=work%2Fa+b.ipynb',
      'POST /retrace-companion/api/package',
      'GET /retrace-companion/api/jobs/job-1'
    ]);
    expect(JSON.parse(seen[11].body!)).toEqual({ notebook: 'work/nb.ipynb' });
    expect(JSON.parse(seen[7].body!)).toMatchObject({ cell_id: 'c', reply: 'ok' });
  });

  it('encodes path parameters', async () => {
    const { client, seen } = recordingClient();
    await client.job('a/b c');
    expect(shown(seen[0])).toBe('GET /retrace-companion/api/jobs/a%2Fb%20c');
  });

  it("reads a 404 of a session or an execution as none, and throws the companion's error otherwise", async () => {
    const { client } = recordingClient(url =>
      url.pathname.endsWith('/deps') ? { status: 409, body: { error: 'not an audit' } } : { status: 404, body: { error: 'no such' } }
    );
    expect(await client.session(KERNEL)).toBeUndefined();
    expect(await client.execution(KERNEL, 'r', 'c', 1)).toBeUndefined();
    await expect(client.dependencies('s')).rejects.toEqual(new CompanionError('not an audit', 409));
  });
});
