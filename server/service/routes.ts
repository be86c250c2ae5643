/**
 * The companion's HTTP routes. It is reached only through the Jupyter server
 * (jupyter-server-proxy forwards authenticated requests to its unix socket), so
 * everything here is JSON for the frontend; nothing here checks tokens itself. Which
 * route a request is for, and the query keys it reads, come from the table the
 * frontend builds its requests with (core/contract/routes.ts); here is what each does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultArchivePath } from '../container/pack';
import type { PackageProgress, PackageStarted, PackageSummary } from '../../core/contract/packaging';
import type { DependencyReport } from '../../core/contract/dependencies';
import { diagnose } from '../../core/environment/report';
import type { EnvironmentReport } from '../../core/contract/environment';
import { NotebookError } from '../../core/notebook/parse';
import { RETRACE_VERSION } from '../../core/version';
import type { CellRecord, SessionMeta } from '../../core/contract/records';
import { findExecution } from '../../core/provenance/record-match';
import type { CellVerdict } from '../../core/contract/verdict';
import { parseVerdictRequestBody, VerdictRequestError } from '../../core/repeat/verdict-request';
import type { EnvironmentResponse, Health, VerdictRequestBody } from '../../core/contract/http';
import { matchRoute, routeQuery, type RouteMatch, type RouteName, type RouteParams, type RouteQuery } from '../../core/contract/routes';
import type { VerdictRequest } from '../repeat/verdict-service';
import { HttpError, readJsonBody } from './http';
import { JobRegistry, type JobOptions } from './jobs';
import { contentsPath, parsePackageRequest, resolveServerPath, type PackageJobOptions } from './package-request';

/** The longest a request may wait for a cell's record. */
const MAX_WAIT_MS = 60_000;
/** How long a verdict request waits for the repeat's record when it does not say. */
const DEFAULT_VERDICT_WAIT_MS = 15_000;
/** A verdict request carries the cell's outputs, images included: more than a settings body. */
const MAX_VERDICT_BODY_BYTES = 32 * 1024 * 1024;

export interface RouteDeps {
  /** Probe the machine (slow-ish: spawns a few programs). */
  probe(): Promise<EnvironmentReport>;
  /** Look up an audit session by kernel id. */
  session(id: string): SessionMeta | undefined;
  /** The cell records the session's launcher has written so far. */
  cellRecords(id: string): CellRecord[];
  /**
   * The dependency report of an audit session (`notebook` names the notebook in it);
   * undefined when there is no such session. Throw an HttpError to answer otherwise.
   */
  dependencies?(id: string, notebook: string | undefined): Promise<DependencyReport | undefined>;
  /**
   * Judge a repeat's cell execution against its audit (server/repeat/verdict-service.ts
   * `judgeExecution`). Throw an HttpError to answer otherwise.
   */
  judge?(meta: SessionMeta, record: CellRecord, request: VerdictRequest): CellVerdict;
  /** Build a notebook's container: the long job behind POST /api/package. */
  pack?(options: PackageJobOptions, onProgress: (progress: PackageProgress) => void): Promise<PackageSummary>;
  /** The Jupyter server's root: contents paths from the frontend are relative to it. */
  serverRoot?: string;
  /** How finished packaging jobs are kept. */
  jobs?: JobOptions;
  /** How often to look again while a request waits for a record, in ms. */
  pollMs?: number;
  /** How long an environment report stays fresh, in ms. */
  reportTtlMs?: number;
  now?: () => number;
}

/** What a route answers: a status and a JSON body. */
type Handler<N extends RouteName> = (route: { params: RouteParams<N>; query: RouteQuery<N> }, req: IncomingMessage) => Promise<[number, unknown]>;

/** A packaging failure in words for the user: a notebook problem as it is, anything else as a failure. */
function describePackError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof NotebookError ? message : `packaging failed: ${message}`;
}

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

  /** Look again every pollMs until `find` has an answer or `waitMs` (bounded) is over. */
  const poll = async <T>(find: () => T | undefined, waitMs: number): Promise<T | undefined> => {
    const deadline = now() + Math.min(Math.max(0, waitMs), MAX_WAIT_MS);
    let found = find();
    while (found === undefined && now() < deadline) {
      await new Promise(r => setTimeout(r, deps.pollMs ?? 100));
      found = find();
    }
    return found;
  };

  /**
   * The kernel's session once its launcher has written it (a new kernel's frontend may
   * ask first), and, with `afterRun`, once it is a later run than that one (a restart).
   */
  const waitForSession = (id: string, waitMs: number, afterRun?: string) =>
    poll(() => {
      const meta = deps.session(id);
      return meta && (afterRun === undefined || meta.run !== afterRun) ? meta : undefined;
    }, waitMs);

  /**
   * The record of one cell execution of `run` (the session's current run when not
   * given), looking again (bounded) while the launcher writes it. A 409 when the
   * kernel has restarted since: that run's records are no longer the session's.
   */
  const waitForRecord = async (id: string, run: string | null, cellId: string | null, count: number, waitMs: number): Promise<CellRecord | undefined> => {
    const wanted = run ?? deps.session(id)?.run;
    const find = () => {
      const current = deps.session(id)?.run;
      if (run !== null && current !== run) {
        throw new HttpError(
          409,
          `kernel ${id} has restarted: run ${run} is over (the current run is ${current ?? 'unknown'}), so its records are not served as this kernel's`
        );
      }
      return findExecution(deps.cellRecords(id), { run: wanted, cellId, executionCount: count });
    };
    return poll(find, waitMs);
  };

  const waitParam = (waitMs: string | undefined, fallback = 0) => {
    const wait = Number(waitMs ?? fallback);
    return Number.isFinite(wait) ? wait : fallback;
  };

  const jobs = new JobRegistry<PackageSummary, PackageProgress>({ ...deps.jobs, describeError: describePackError });
  const unavailable = (what: string) => new HttpError(501, `${what} is not available in this companion`);

  const handlers: { [N in RouteName]: Handler<N> } = {
    health: async () => [200, { name: 'retrace', version: RETRACE_VERSION, status: 'ok' } satisfies Health],
    environment: async ({ query }) => {
      const report = await environment(query.refresh !== undefined);
      return [200, { report, diagnosis: diagnose(report) } satisfies EnvironmentResponse];
    },
    // The record of one execution: by cell id and execution count, waiting (bounded)
    // while the launcher is still analysing the trace of a cell that just finished.
    execution: async ({ params, query }) => {
      const cellId = query.cell_id ?? null;
      const count = Number(query.execution_count ?? NaN);
      const record = await waitForRecord(params.kernel, query.run ?? null, cellId, count, waitParam(query.wait_ms));
      return record ? [200, record] : [404, { error: `no record yet of cell ${cellId ?? '(any)'} execution ${query.execution_count ?? '(any)'}` }];
    },
    // What the session's run used: software and data, per cell and in total.
    dependencies: async ({ params, query }) => {
      if (!deps.dependencies) throw unavailable('the dependency report');
      if (/^\.+$/.test(params.session)) return [404, { error: `no audit session ${params.session}` }];
      const notebook = query.notebook;
      let named = notebook;
      try {
        if (notebook) named = resolveServerPath(notebook, deps.serverRoot, 'notebook');
      } catch {
        // only names the notebook in the report: keep it as given
      }
      const report = await deps.dependencies(params.session, named);
      return report ? [200, report] : [404, { error: `no audit session ${params.session}` }];
    },
    job: async ({ params }) => {
      const status = jobs.get(params.job);
      return status ? [200, status] : [404, { error: `no job ${params.job} (finished jobs are kept for a while only)` }];
    },
    // A kernel's session; `wait_ms` waits (bounded) while a starting kernel's launcher
    // writes it, `after_run` until a restarted kernel's new run has.
    session: async ({ params, query }) => {
      const meta = /^\.+$/.test(params.kernel) ? undefined : await waitForSession(params.kernel, waitParam(query.wait_ms), query.after_run);
      return meta ? [200, meta] : [404, { error: `no audit session for kernel ${params.kernel}` }];
    },
    // Start packaging a notebook; GET /api/jobs/<id> follows it.
    startPackage: async (_route, req) => {
      if (!deps.pack) throw unavailable('packaging');
      const options = parsePackageRequest(await readJsonBody(req), deps.serverRoot);
      options.output ??= defaultArchivePath(options.notebook);
      const pack = deps.pack;
      // Errors name the notebook as the user knows it: by its path in the file browser.
      const shown = contentsPath(options.notebook, deps.serverRoot);
      const run = async (onProgress: (p: PackageProgress) => void) => {
        try {
          return await pack(options, onProgress);
        } catch (e) {
          if (shown && e instanceof NotebookError) throw new NotebookError(e.message.split(options.notebook).join(shown));
          throw e;
        }
      };
      // One job per archive: a second request while it runs follows the first.
      const { id, existing } = jobs.start(options.output, run);
      const answer: PackageStarted = { job: id, archivePath: contentsPath(options.output, deps.serverRoot) };
      return [existing ? 200 : 202, answer];
    },
    // The verdict of one cell execution of a repeat: the frontend says what it knows
    // (cell, source hash, reply, outputs); this waits (bounded) for the repeat's
    // record of the execution and judges it against the audit in the container.
    verdict: async ({ params, query }, req) => {
      if (!deps.judge) throw unavailable('judging repeats');
      const kernel = params.kernel;
      let body: VerdictRequestBody;
      try {
        body = parseVerdictRequestBody(await readJsonBody(req, MAX_VERDICT_BODY_BYTES));
      } catch (e) {
        throw e instanceof VerdictRequestError ? new HttpError(400, e.message) : e;
      }
      const meta = /^\.+$/.test(kernel) ? undefined : deps.session(kernel);
      if (!meta) return [404, { error: `no session for kernel ${kernel}` }];
      if (meta.kind !== 'repeat') {
        return [409, { error: `kernel ${kernel} is not a repeat kernel (Python 3 (repeat)): only a repeat's cells are judged against their audit` }];
      }
      if (!meta.audited) {
        return [409, { error: meta.notAuditedReason ?? 'the repeat sandbox did not start: the cells ran on the host, not in the container' }];
      }
      const record = await waitForRecord(kernel, query.run ?? null, body.cell_id, body.execution_count, waitParam(query.wait_ms, DEFAULT_VERDICT_WAIT_MS));
      if (!record) return [404, { error: `no record of cell ${body.cell_id} execution ${body.execution_count} in repeat session ${kernel}` }];
      const verdict = deps.judge(meta, record, {
        cellId: body.cell_id,
        codeHash: body.code_hash,
        reply: body.reply,
        error: body.error,
        outputs: body.outputs,
        codeCells: body.code_cells
      });
      return [200, verdict];
    }
  };

  /** Answer a request the table has a route for; a thrown HttpError says the status. */
  const answer = async (route: RouteMatch, url: URL, req: IncomingMessage): Promise<[number, unknown]> => {
    const handler = handlers[route.name] as Handler<RouteName>;
    try {
      return await handler({ params: route.params, query: routeQuery(route.name, url.searchParams) }, req);
    } catch (e) {
      return [e instanceof HttpError ? e.status : 500, { error: e instanceof Error ? e.message : String(e) }];
    }
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://companion');
    // jupyter-server-proxy may forward with or without its own prefix
    const path = url.pathname.replace(/^\/retrace-companion(?=\/)/, '');
    let status = 404;
    let body: unknown = { error: `no route for ${req.method} ${path}` };
    const method = req.method === 'GET' || req.method === 'POST' ? req.method : undefined;
    const route = method && matchRoute(method, path);
    if (route) {
      [status, body] = await answer(route, url, req);
    } else if (!method || (method === 'POST' && matchRoute('GET', path))) {
      status = 405;
      body = { error: `method ${req.method} not allowed` };
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(text);
  };
}
