import { createServer, request, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvironmentReport } from '../../core/contract/environment';
import type { SessionMeta } from '../../core/contract/records';
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
  return (path: string, method = 'GET', payload?: string) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request({ socketPath: socket, path, method }, res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(payload);
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
      session: () => undefined,
      cellRecords: () => [],
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
      session: () => undefined,
      cellRecords: () => []
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

  it('serves a record only to the run that made it, and refuses a run a restart ended', async () => {
    let current = { id: 'k', run: 'r1' } as SessionMeta;
    let records: any[] = [{ seq: 1, run: 'r1', cellId: 'a', executionCount: 1, lineage: 'old' }];
    const get = await serve({ probe: async () => REPORT, session: () => current, cellRecords: () => records, pollMs: 5 });
    expect(await get('/api/sessions/k/executions?run=r1&cell_id=a&execution_count=1')).toMatchObject({ status: 200, body: { lineage: 'old' } });
    // Restart: same kernel id, same cell and count, a new run whose record is not written yet.
    current = { id: 'k', run: 'r2' } as SessionMeta;
    const stale = await get('/api/sessions/k/executions?run=r1&cell_id=a&execution_count=1');
    expect(stale).toMatchObject({ status: 409, body: { error: expect.stringContaining('has restarted') } });
    expect((await get('/api/sessions/k/executions?run=r2&cell_id=a&execution_count=1&wait_ms=20')).status).toBe(404);
    setTimeout(() => (records = [...records, { seq: 1, run: 'r2', cellId: 'a', executionCount: 1, lineage: 'new' }]), 30);
    expect(await get('/api/sessions/k/executions?run=r2&cell_id=a&execution_count=1&wait_ms=2000')).toMatchObject({ status: 200, body: { lineage: 'new' } });
    // Without a run: the session's current one, never another's record of the same execution.
    records = [{ seq: 1, run: 'r1', cellId: 'a', executionCount: 1, lineage: 'old' }];
    expect((await get('/api/sessions/k/executions?cell_id=a&execution_count=1')).status).toBe(404);
  });

  it('waits (bounded) for a starting kernel’s session, and for a restarted kernel’s next run', async () => {
    let current: SessionMeta | undefined;
    const get = await serve({ probe: async () => REPORT, session: () => current, cellRecords: () => [], pollMs: 5 });
    expect((await get('/api/sessions/k?wait_ms=20')).status).toBe(404);
    setTimeout(() => (current = { id: 'k', run: 'r1' } as SessionMeta), 30);
    expect(await get('/api/sessions/k?wait_ms=2000')).toMatchObject({ status: 200, body: { run: 'r1' } });
    expect((await get('/api/sessions/k?wait_ms=20&after_run=r1')).status).toBe(404);
    setTimeout(() => (current = { id: 'k', run: 'r2' } as SessionMeta), 30);
    expect(await get('/api/sessions/k?wait_ms=2000&after_run=r1')).toMatchObject({ status: 200, body: { run: 'r2' } });
  });

  it('refuses other methods and unknown paths', async () => {
    const get = await serve({ probe: async () => REPORT, session: () => undefined, cellRecords: () => [] });
    expect((await get('/api/health', 'POST')).status).toBe(405);
    expect((await get('/api/nothing')).status).toBe(404);
    expect(await get('/api/health', 'DELETE')).toEqual({ status: 405, body: { error: 'method DELETE not allowed' } });
    expect(await get('/api/nothing', 'PUT')).toEqual({ status: 405, body: { error: 'method PUT not allowed' } });
    // A route for POST only is not there for GET, and an unknown path is not one for POST.
    expect(await get('/api/package')).toEqual({ status: 404, body: { error: 'no route for GET /api/package' } });
    expect(await get('/retrace-companion/api/sessions/k/verdict')).toEqual({ status: 404, body: { error: 'no route for GET /api/sessions/k/verdict' } });
    expect(await get('/api/nothing', 'POST', '{}')).toEqual({ status: 404, body: { error: 'no route for POST /api/nothing' } });
  });
});

describe('dependency and packaging routes', () => {
  const base = { probe: async () => REPORT, session: () => undefined, cellRecords: () => [] } satisfies RouteDeps;
  const summary = (archive: string) => ({ archive, archiveBytes: 10, files: 2, blobs: 2, contentBytes: 20, leftOut: [], environmentRemoved: [], warnings: [] });
  const until = async (get: (p: string) => Promise<{ status: number; body: any }>, path: string, state: string) => {
    for (let i = 0; i < 200; i++) {
      const r = await get(path);
      if (r.body.state === state) return r;
      await new Promise(r => setTimeout(r, 5));
    }
    throw new Error(`${path} never reached ${state}`);
  };

  it('serves a session dependency report, naming the notebook by its path under the root', async () => {
    const asked: Array<[string, string | undefined]> = [];
    const get = await serve({
      ...base,
      serverRoot: '/srv/nb',
      dependencies: async (id, notebook) => (asked.push([id, notebook]), id === 'k1' ? ({ session: id, total: {}, cells: [] } as any) : undefined)
    });
    expect(await get('/api/sessions/k1/deps?notebook=work%2Fa.ipynb')).toMatchObject({ status: 200, body: { session: 'k1' } });
    expect(asked[0]).toEqual(['k1', '/srv/nb/work/a.ipynb']);
    expect((await get('/api/sessions/k2/deps')).status).toBe(404);
    expect(asked[1]).toEqual(['k2', undefined]);
    expect((await get('/api/sessions/../deps')).status).toBe(404);
  });

  it('answers 501 when the companion was built without a feature, and the errors routes throw with their status', async () => {
    const get = await serve(base);
    expect((await get('/api/sessions/k1/deps')).status).toBe(501);
    expect((await get('/api/package', 'POST', '{"notebook":"/a.ipynb"}')).status).toBe(501);
  });

  it('starts a packaging job and reports its progress and result', async () => {
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const seen: any[] = [];
    const get = await serve({
      ...base,
      serverRoot: '/srv/nb',
      pack: async (options, onProgress) => {
        seen.push(options);
        onProgress({ phase: 'copying', done: 1, total: 4 });
        await gate;
        return summary(options.output!);
      }
    });
    const started = await get(
      '/api/package',
      'POST',
      JSON.stringify({ notebook: 'work/a.ipynb', maxFileBytes: 1000, deny: ['*.key', ' '], allow: ['~/.netrc'] })
    );
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ job: expect.any(String), archivePath: 'work/a.retrace.tar.gz' });
    expect(seen[0]).toEqual({
      notebook: '/srv/nb/work/a.ipynb',
      output: '/srv/nb/work/a.retrace.tar.gz',
      maxFileBytes: 1000,
      deny: ['*.key'],
      allow: ['~/.netrc']
    });

    const running = await until(get, `/api/jobs/${started.body.job}`, 'running');
    expect(running.body.progress).toEqual({ phase: 'copying', done: 1, total: 4 });
    // The same archive again while the first runs: the same job, not a second writer.
    const again = await get('/api/package', 'POST', JSON.stringify({ notebook: '/srv/nb/work/a.ipynb' }));
    expect(again).toEqual({ status: 200, body: { job: started.body.job, archivePath: 'work/a.retrace.tar.gz' } });
    expect(seen).toHaveLength(1);

    release();
    const done = await until(get, `/api/jobs/${started.body.job}`, 'done');
    expect(done.body.result).toMatchObject({ archive: '/srv/nb/work/a.retrace.tar.gz', files: 2 });
    expect(done.body.finishedAt).toEqual(expect.any(String));
    expect((await get('/api/jobs/not-a-job')).status).toBe(404);
  });

  it('says why a notebook cannot be packaged', async () => {
    const { NotebookError } = await import('../../core/notebook/parse');
    const get = await serve({
      ...base,
      pack: async options => {
        if (options.notebook.endsWith('new.ipynb')) throw new NotebookError(`${options.notebook} was never audited: it has no retrace audit metadata.`);
        throw new Error('EACCES: permission denied');
      }
    });
    const never = await get('/api/package', 'POST', JSON.stringify({ notebook: '/w/new.ipynb' }));
    expect(never.status).toBe(202);
    expect((await until(get, `/api/jobs/${never.body.job}`, 'failed')).body.error).toBe('/w/new.ipynb was never audited: it has no retrace audit metadata.');
    // Under the server's root, the notebook is named by its path in the file browser.
    const relative = await get('/api/package', 'POST', JSON.stringify({ notebook: 'w/new.ipynb' }));
    expect(relative.status).toBe(400); // no root known to this companion
    const denied = await get('/api/package', 'POST', JSON.stringify({ notebook: '/w/other.ipynb' }));
    expect((await until(get, `/api/jobs/${denied.body.job}`, 'failed')).body.error).toBe('packaging failed: EACCES: permission denied');
  });

  it('refuses bad package requests with 400 or 413 and a reason', async () => {
    const get = await serve({ ...base, pack: async o => summary(o.output!) });
    const post = (body: string) => get('/api/package', 'POST', body);
    expect(await post('not json')).toMatchObject({ status: 400, body: { error: expect.stringContaining('not JSON') } });
    expect(await post('')).toMatchObject({ status: 400, body: { error: expect.stringContaining('empty') } });
    expect(await post('{}')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"notebook"') } });
    expect(await post('{"notebook":"a.ipynb"}')).toMatchObject({ status: 400, body: { error: expect.stringContaining('RETRACE_SERVER_ROOT') } });
    expect(await post('{"notebook":"/a.ipynb","maxFileBytes":-1}')).toMatchObject({ status: 400 });
    expect(await post('{"notebook":"/a.ipynb","deny":"*.key"}')).toMatchObject({ status: 400, body: { error: expect.stringContaining('list of strings') } });
    expect(await post(JSON.stringify({ notebook: '/a.ipynb', deny: ['x'.repeat(70_000)] }))).toMatchObject({ status: 413 });
    expect((await get('/api/jobs/x', 'POST', '{}')).status).toBe(405);
  });

  it('keeps a relative notebook inside the server root, and names it by that path in errors', async () => {
    const { NotebookError } = await import('../../core/notebook/parse');
    const get = await serve({
      ...base,
      serverRoot: '/srv/nb',
      pack: async o => {
        throw new NotebookError(`${o.notebook} was never audited: run it, or run: retrace audit ${o.notebook}`);
      }
    });
    const r = await get('/api/package', 'POST', JSON.stringify({ notebook: '../../etc/x.ipynb' }));
    expect(r).toMatchObject({ status: 400, body: { error: expect.stringContaining('outside') } });
    const job = await get('/api/package', 'POST', JSON.stringify({ notebook: 'w/new.ipynb' }));
    expect((await until(get, `/api/jobs/${job.body.job}`, 'failed')).body.error).toBe(
      'w/new.ipynb was never audited: run it, or run: retrace audit w/new.ipynb'
    );
  });
});

describe('the verdict route', () => {
  const HASH = 'sha256:' + 'c'.repeat(64);
  const body = (over: object = {}) =>
    JSON.stringify({
      cell_id: 'a',
      execution_count: 2,
      code_hash: HASH,
      reply: 'ok',
      outputs: [{ output_type: 'stream', name: 'stdout', text: '3\n' }],
      ...over
    });
  const repeat = { id: 'r1', kind: 'repeat', audited: true, container: { archive: '/w/a.retrace.tar.gz', hash: 'sha256:x', mode: 'layered' } } as SessionMeta;
  const sessions: Record<string, SessionMeta> = {
    r1: repeat,
    a1: { ...repeat, id: 'a1', kind: 'audit' } as SessionMeta,
    r2: { ...repeat, id: 'r2', audited: false, notAuditedReason: 'retrace could not start the repeat sandbox: bubblewrap is not installed' } as SessionMeta
  };
  const verdict = { status: 'reproduced', reason: 'same code, same lineage', outputs: { same: true, differences: [] }, fall_through: [] };

  it('waits for the repeat record of the execution and judges it', async () => {
    const records: any[] = [{ seq: 1, cellId: 'a', executionCount: 1 }];
    const judged: any[] = [];
    const post = await serve({
      probe: async () => REPORT,
      session: id => sessions[id],
      cellRecords: () => records,
      pollMs: 5,
      judge: (meta, record, request) => (judged.push({ meta: meta.id, seq: record.seq, request }), verdict as any)
    });
    setTimeout(() => records.push({ seq: 2, cellId: 'a', executionCount: 2 }), 30);
    const r = await post('/api/sessions/r1/verdict?wait_ms=2000', 'POST', body({ reply: 'error', error: { ename: 'E', evalue: 'v' } }));
    expect(r).toEqual({ status: 200, body: verdict });
    expect(judged).toEqual([
      {
        meta: 'r1',
        seq: 2,
        request: {
          cellId: 'a',
          codeHash: HASH,
          reply: 'error',
          error: { ename: 'E', evalue: 'v' },
          outputs: [{ output_type: 'stream', name: 'stdout', text: '3\n' }]
        }
      }
    ]);
    // No record in time: 404, saying which execution.
    const none = await post('/api/sessions/r1/verdict?wait_ms=20', 'POST', body({ execution_count: 9 }));
    expect(none).toMatchObject({ status: 404, body: { error: expect.stringContaining('execution 9') } });
  });

  it('refuses what cannot be judged: no session, not a repeat, a sandbox that did not start, a bad body', async () => {
    let judged = 0;
    const post = await serve({ probe: async () => REPORT, session: id => sessions[id], cellRecords: () => [], judge: () => (judged++, verdict as any) });
    expect((await post('/api/sessions/nope/verdict', 'POST', body())).status).toBe(404);
    expect((await post('/api/sessions/../verdict', 'POST', body())).status).toBe(404);
    expect(await post('/api/sessions/a1/verdict', 'POST', body())).toMatchObject({
      status: 409,
      body: { error: expect.stringContaining('not a repeat kernel') }
    });
    expect(await post('/api/sessions/r2/verdict', 'POST', body())).toEqual({
      status: 409,
      body: { error: 'retrace could not start the repeat sandbox: bubblewrap is not installed' }
    });
    expect(await post('/api/sessions/r1/verdict', 'POST', body({ code_hash: 'x' }))).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"code_hash"') }
    });
    expect((await post('/api/sessions/r1/verdict', 'POST', 'not json')).status).toBe(400);
    expect(judged).toBe(0);
  });

  it('takes outputs larger than a settings body, and answers 501 without a judge', async () => {
    const image = { output_type: 'display_data', data: { 'image/png': 'A'.repeat(200_000) }, metadata: {} };
    const post = await serve({
      probe: async () => REPORT,
      session: id => sessions[id],
      cellRecords: () => [{ seq: 2, cellId: 'a', executionCount: 2 } as any],
      judge: (_m, _r, request) => ({ ...verdict, reason: `${request.outputs.length} output` }) as any
    });
    expect(await post('/api/sessions/r1/verdict', 'POST', body({ outputs: [image] }))).toMatchObject({ status: 200, body: { reason: '1 output' } });
    server?.close();
    const bare = await serve({ probe: async () => REPORT, session: id => sessions[id], cellRecords: () => [] });
    expect((await bare('/api/sessions/r1/verdict', 'POST', body())).status).toBe(501);
  });
});
