import { createServer, request, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvironmentReport } from '../core/environment/report';
import type { SessionMeta } from '../core/session';
import { createHandler, type RouteDeps } from './routes';

const REPORT: EnvironmentReport = {
  retraceVersion: 'test',
  node: { version: 'v20' },
  platform: { os: 'linux', release: '6', arch: 'x64' },
  strace: { found: true, ptracePermitted: true, seccompBpf: true },
  proot: { found: true },
  bwrap: { found: true },
  python: { found: true, ipykernel: '7' }
};

let server: Server | undefined;
afterEach(() => server?.close());

/** Serve the handler on a unix socket, as the companion does, and return a GET helper. */
async function serve(deps: RouteDeps) {
  const socket = join(mkdtempSync(join(tmpdir(), 'retrace-routes-')), 'c.sock');
  const handler = createHandler(deps);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>(r => server!.listen(socket, r));
  return (path: string, method = 'GET') =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request({ socketPath: socket, path, method }, res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });
}

describe('companion routes', () => {
  it('answers health with name and version', async () => {
    const get = await serve({ probe: async () => REPORT, session: () => undefined, cellRecords: () => [] });
    const r = await get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'retrace', status: 'ok' });
    expect(typeof r.body.version).toBe('string');
  });

  it('accepts the proxy prefix in front of a route', async () => {
    const get = await serve({ probe: async () => REPORT, session: () => undefined, cellRecords: () => [] });
    expect((await get('/retrace-companion/api/health')).status).toBe(200);
  });

  it('returns the report with its diagnosis, probing once while fresh', async () => {
    let probes = 0;
    let clock = 0;
    const get = await serve({
      probe: async () => (probes++, REPORT),
      session: () => undefined, cellRecords: () => [],
      reportTtlMs: 1000,
      now: () => clock
    });
    const r = await get('/api/environment');
    expect(r.status).toBe(200);
    expect(r.body.report).toEqual(REPORT);
    expect(r.body.diagnosis).toMatchObject({ auditReady: true, repeatReady: true });
    await get('/api/environment');
    expect(probes).toBe(1);
    await get('/api/environment?refresh=1');
    expect(probes).toBe(2);
    clock = 5000;
    await get('/api/environment');
    expect(probes).toBe(3);
  });

  it('reports a failing probe as 500 and does not cache the failure', async () => {
    let fail = true;
    const get = await serve({
      probe: async () => {
        if (fail) throw new Error('strace hung');
        return REPORT;
      },
      session: () => undefined, cellRecords: () => []
    });
    const r = await get('/api/environment');
    expect(r).toEqual({ status: 500, body: { error: 'strace hung' } });
    fail = false;
    expect((await get('/api/environment')).status).toBe(200);
  });

  it('finds sessions by kernel id and 404s unknown ones', async () => {
    const meta = { id: 'k1', audited: false, notAuditedReason: 'no strace' } as SessionMeta;
    const get = await serve({ probe: async () => REPORT, session: id => (id === 'k1' ? meta : undefined), cellRecords: () => [] });
    expect(await get('/api/sessions/k1')).toMatchObject({ status: 200, body: { audited: false } });
    expect(await get('/api/sessions/k2')).toMatchObject({ status: 404 });
    expect((await get('/api/sessions/..%2F..%2Fetc')).status).toBe(404);
  });

  it('finds an execution record by cell id and count, waiting while it is written', async () => {
    const records: any[] = [{ seq: 1, cellId: 'a', executionCount: 1 }];
    const get = await serve({ probe: async () => REPORT, session: () => undefined, cellRecords: () => records, pollMs: 5 });
    expect(await get('/api/sessions/k/executions?cell_id=a&execution_count=1')).toMatchObject({ status: 200, body: { seq: 1 } });
    expect((await get('/api/sessions/k/executions?cell_id=b&execution_count=2')).status).toBe(404);
    setTimeout(() => records.push({ seq: 2, cellId: 'b', executionCount: 2 }), 30);
    expect(await get('/api/sessions/k/executions?cell_id=b&execution_count=2&wait_ms=2000')).toMatchObject({ status: 200, body: { seq: 2 } });
  });

  it('refuses other methods and unknown paths', async () => {
    const get = await serve({ probe: async () => REPORT, session: () => undefined, cellRecords: () => [] });
    expect((await get('/api/health', 'POST')).status).toBe(405);
    expect((await get('/api/nothing')).status).toBe(404);
  });
});
