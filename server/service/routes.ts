/**
 * The companion's HTTP routes. It is reached only through the Jupyter server
 * (jupyter-server-proxy forwards authenticated requests to its unix socket), so
 * everything here is JSON for the frontend; nothing here checks tokens itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { diagnose, type EnvironmentReport } from '../core/environment/report';
import { RETRACE_VERSION } from '../core/version';
import type { SessionMeta } from '../store/sessions';

export interface RouteDeps {
  /** Probe the machine (slow-ish: spawns a few programs). */
  probe(): Promise<EnvironmentReport>;
  /** Look up an audit session by kernel id. */
  session(id: string): SessionMeta | undefined;
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
