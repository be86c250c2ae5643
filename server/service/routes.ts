/**
 * The companion's HTTP routes. It is reached only through the Jupyter server
 * (jupyter-server-proxy forwards authenticated requests to its unix socket), so
 * everything here is JSON for the frontend; nothing here checks tokens itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { diagnose, type EnvironmentReport } from '../core/environment/report';
import { RETRACE_VERSION } from '../core/version';
import type { CellRecord } from '../core/provenance/cell-record';
import type { SessionMeta } from '../store/sessions';

/** The longest a request may wait for a cell's record. */
const MAX_WAIT_MS = 60_000;

export interface RouteDeps {
  /** Probe the machine (slow-ish: spawns a few programs). */
  probe(): Promise<EnvironmentReport>;
  /** Look up an audit session by kernel id. */
  session(id: string): SessionMeta | undefined;
  /** The cell records the session's launcher has written so far. */
  cellRecords(id: string): CellRecord[];
  /** How often to look again while a request waits for a record, in ms. */
  pollMs?: number;
  /** How long an environment report stays fresh, in ms. */
  reportTtlMs?: number;
  now?: () => number;
}

type Handler = (url: URL, match: RegExpMatchArray) => Promise<[number, unknown]>;

export function createHandler(deps: RouteDeps) {
  const ttl = deps.reportTtlMs ?? 30_000;
  const now = deps.now ?? Date.now;
  let cached: { at: number; report: Promise<EnvironmentReport> } | undefined;

  const environment = (refresh: boolean) => {
    if (refresh || !cached || now() - cached.at > ttl) {
      const report = deps.probe();
      cached = { at: now(), report };
      // a failed probe must not be served from the cache
      report.catch(() => (cached = undefined));
    }
    return cached.report;
  };

  const routes: Array<[RegExp, Handler]> = [
    [/^\/api\/health$/, async () => [200, { name: 'retrace', version: RETRACE_VERSION, status: 'ok' }]],
    [
      /^\/api\/environment$/,
      async url => {
        const report = await environment(url.searchParams.has('refresh'));
        return [200, { report, diagnosis: diagnose(report) }];
      }
    ],
    [
      // The record of one execution: by cell id and execution count, waiting (bounded)
      // while the launcher is still analysing the trace of a cell that just finished.
      /^\/api\/sessions\/([A-Za-z0-9._-]+)\/executions$/,
      async (url, m) => {
        const cellId = url.searchParams.get('cell_id');
        const count = Number(url.searchParams.get('execution_count') ?? NaN);
        const wait = Math.min(Number(url.searchParams.get('wait_ms') ?? 0) || 0, MAX_WAIT_MS);
        const find = () =>
          deps
            .cellRecords(m[1])
            .filter(r => (cellId === null || r.cellId === cellId) && (Number.isNaN(count) || r.executionCount === count))
            .pop();
        const deadline = now() + wait;
        let record = find();
        while (!record && now() < deadline) {
          await new Promise(r => setTimeout(r, deps.pollMs ?? 100));
          record = find();
        }
        return record ? [200, record] : [404, { error: `no record yet of cell ${cellId ?? '(any)'} execution ${url.searchParams.get('execution_count') ?? '(any)'}` }];
      }
    ],
    [
      /^\/api\/sessions\/([A-Za-z0-9._-]+)$/,
      async (_url, m) => {
        const meta = deps.session(m[1]);
        return meta ? [200, meta] : [404, { error: `no audit session for kernel ${m[1]}` }];
      }
    ]
  ];

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://companion');
    // jupyter-server-proxy may forward with or without its own prefix
    const path = url.pathname.replace(/^\/retrace-companion(?=\/)/, '');
    let status = 404;
    let body: unknown = { error: `no route for ${req.method} ${path}` };
    if (req.method === 'GET') {
      for (const [pattern, handler] of routes) {
        const m = path.match(pattern);
        if (!m) continue;
        try {
          [status, body] = await handler(url, m);
        } catch (e) {
          status = 500;
          body = { error: e instanceof Error ? e.message : String(e) };
        }
        break;
      }
    } else {
      status = 405;
      body = { error: `method ${req.method} not allowed` };
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(text);
  };
}
