/**
 * A typed client of the companion, reached through the Jupyter server's proxy. Paths,
 * query keys and methods come from the route table the companion matches requests
 * with (core/contract/routes.ts).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { DependencyReport } from '../core/contract/dependencies';
import type { JobStatus, PackageRequest, PackageStarted } from '../core/contract/packaging';
import type { EnvironmentResponse, Health, VerdictRequestBody } from '../core/contract/http';
import type { CellVerdict } from '../core/contract/verdict';
import type { CellRecord, SessionMeta } from '../core/contract/records';
import { ROUTES, routePath, type RouteName, type RouteParams, type RouteQueryInput } from '../core/contract/routes';

/** Where jupyter-server-proxy mounts the companion (see jupyterlab_retrace/proxy.py). */
export const COMPANION_PATH = 'retrace-companion';

export class CompanionError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
  }
}

export class RetraceClient {
  constructor(private readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {}

  health(): Promise<Health> {
    return this.call('health', {});
  }

  environment(refresh = false): Promise<EnvironmentResponse> {
    return this.call('environment', {}, { refresh: refresh ? '1' : undefined });
  }

  /**
   * The session of a kernel; undefined when it has none (not a retrace kernel). A kernel
   * just started may not have written it yet: `waitMs` lets the companion wait for it,
   * `afterRun` until a restarted kernel's run is a later one than that.
   */
  async session(kernelId: string, options: { waitMs?: number; afterRun?: string } = {}): Promise<SessionMeta | undefined> {
    try {
      return await this.call('session', { kernel: kernelId }, { wait_ms: options.waitMs || undefined, after_run: options.afterRun || undefined });
    } catch (e) {
      if (e instanceof CompanionError && e.status === 404) return undefined;
      throw e;
    }
  }

  /**
   * The launcher's record of one execution of a cell in run `run` of the kernel,
   * waiting up to `waitMs` while the launcher finishes analysing it; undefined when
   * there is none. A CompanionError 409 when the kernel has restarted since that run.
   */
  async execution(kernelId: string, run: string | undefined, cellId: string, executionCount: number, waitMs = 15_000): Promise<CellRecord | undefined> {
    try {
      return await this.call('execution', { kernel: kernelId }, { cell_id: cellId, execution_count: executionCount, wait_ms: waitMs, run: run || undefined });
    } catch (e) {
      if (e instanceof CompanionError && e.status === 404) return undefined;
      throw e;
    }
  }

  /**
   * The verdict of one cell execution of a repeat session, judged against its audit;
   * the companion waits up to `waitMs` for the repeat's record of it in run `run`.
   * Throws a CompanionError: 404 when no record came, 409 when the session is not a
   * repeat running in its container or has restarted since (the message says why).
   */
  verdict(kernelId: string, run: string | undefined, body: VerdictRequestBody, waitMs = 30_000): Promise<CellVerdict> {
    return this.call('verdict', { kernel: kernelId }, { wait_ms: waitMs, run: run || undefined }, body);
  }

  /** What an audit session's run used; `notebook` is the notebook's contents path, to name it in the report. */
  dependencies(sessionId: string, notebook?: string): Promise<DependencyReport> {
    return this.call('dependencies', { session: sessionId }, { notebook: notebook || undefined });
  }

  /** Start packaging a notebook into its container; follow it with `job`. */
  startPackage(request: PackageRequest): Promise<PackageStarted> {
    return this.call('startPackage', {}, {}, request);
  }

  job(id: string): Promise<JobStatus> {
    return this.call('job', { job: id });
  }

  /** A request to a route of the companion, with the method the route table gives it. */
  private call<N extends RouteName, T>(name: N, params: RouteParams<N>, query?: RouteQueryInput<N>, body?: unknown): Promise<T> {
    const init: RequestInit = { method: ROUTES[name].method };
    if (body !== undefined) init.body = JSON.stringify(body);
    return this.request(routePath(name, params, query), init);
  }

  private async request<T>(path: string, init: RequestInit): Promise<T> {
    const url = URLExt.join(this.settings.baseUrl, COMPANION_PATH, path);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (e) {
      throw new CompanionError(`The retrace companion could not be reached: ${String(e)}`, 0);
    }
    const text = await response.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CompanionError(
        `The retrace companion answered ${response.status} with something that is not JSON ` + '(is jupyter-server-proxy installed and enabled?)',
        response.status
      );
    }
    if (!response.ok) {
      throw new CompanionError(body?.error ?? `The retrace companion answered ${response.status}`, response.status);
    }
    return body as T;
  }
}
