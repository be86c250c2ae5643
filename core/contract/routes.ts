/**
 * The companion's HTTP routes, written once: for each its method, its path (`:name`
 * for a path parameter), what each parameter may contain and the query keys the
 * companion reads. The frontend builds its requests with {@link routePath}
 * (src/api.ts); the companion finds the route of a request with {@link matchRoute}
 * and reads its query with {@link routeQuery} (server/service/routes.ts). Pure. The
 * bodies the routes carry are the other files of this folder (http.ts, records.ts…).
 */

/** A session's id: a kernel id (a session folder's name). */
const SESSION_ID = '[A-Za-z0-9._-]+';
/** A packaging job's id. */
const JOB_ID = '[A-Za-z0-9-]+';

export type Method = 'GET' | 'POST';

interface RouteSpec {
  method: Method;
  /** Below the companion's root: `/api/…`, with `:name` where a parameter goes (a whole segment). */
  path: string;
  /** Each parameter of the path and the characters it may hold (a regular expression without groups). */
  params: Readonly<Record<string, string>>;
  /** The query keys the companion reads, in the order the frontend writes them. */
  query: readonly string[];
}

export const ROUTES = {
  /** The companion's name and version (Health). */
  health: { method: 'GET', path: '/api/health', params: {}, query: [] },
  /** The environment report and its diagnosis (EnvironmentResponse); `refresh` probes again. */
  environment: { method: 'GET', path: '/api/environment', params: {}, query: ['refresh'] },
  /** A kernel's session (SessionMeta), waiting `wait_ms` for it, and with `after_run` for a later run than that. */
  session: { method: 'GET', path: '/api/sessions/:kernel', params: { kernel: SESSION_ID }, query: ['wait_ms', 'after_run'] },
  /** The record of one cell execution (CellRecord) of run `run`, waiting `wait_ms` for it. */
  execution: {
    method: 'GET',
    path: '/api/sessions/:kernel/executions',
    params: { kernel: SESSION_ID },
    query: ['cell_id', 'execution_count', 'wait_ms', 'run']
  },
  /** What an audit session's run used (DependencyReport), naming `notebook` in it. */
  dependencies: { method: 'GET', path: '/api/sessions/:session/deps', params: { session: SESSION_ID }, query: ['notebook'] },
  /** How a packaging job goes (JobStatus). */
  job: { method: 'GET', path: '/api/jobs/:job', params: { job: JOB_ID }, query: [] },
  /** Start packaging a notebook (PackageRequest → PackageStarted). */
  startPackage: { method: 'POST', path: '/api/package', params: {}, query: [] },
  /** Judge one cell execution of a repeat (VerdictRequestBody → CellVerdict), waiting `wait_ms` for its record in run `run`. */
  verdict: { method: 'POST', path: '/api/sessions/:kernel/verdict', params: { kernel: SESSION_ID }, query: ['wait_ms', 'run'] }
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** The path parameters of a route, by name. */
export type RouteParams<N extends RouteName> = { [K in keyof (typeof ROUTES)[N]['params']]: string };

export type RouteQueryKey<N extends RouteName> = (typeof ROUTES)[N]['query'][number];

/** A route's query as the frontend gives it to {@link routePath}: undefined values are left out. */
export type RouteQueryInput<N extends RouteName> = { [K in RouteQueryKey<N>]?: string | number };

/** A route's query as the companion reads it: the first value of each key present. */
export type RouteQuery<N extends RouteName> = { [K in RouteQueryKey<N>]?: string };

/** A request's route and its path parameters as they appear in the path. */
export type RouteMatch = { [N in RouteName]: { name: N; params: RouteParams<N> } }[RouteName];

/**
 * The path (and query) of a request to a route, below the companion's root:
 * parameters percent-encoded, query keys in the table's order, undefined values left out.
 */
export function routePath<N extends RouteName>(name: N, params: RouteParams<N>, query: RouteQueryInput<N> = {}): string {
  const route: RouteSpec = ROUTES[name];
  const values = params as Record<string, string>;
  const path = route.path.replace(/:(\w+)/g, (_, param: string) => encodeURIComponent(values[param]));
  const search = new URLSearchParams();
  for (const key of route.query) {
    const value = (query as Record<string, string | number | undefined>)[key];
    if (value !== undefined) search.set(key, String(value));
  }
  const q = search.toString();
  return q ? `${path}?${q}` : path;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each route's path as an anchored pattern, parameters as named groups. */
const PATTERNS = (Object.keys(ROUTES) as RouteName[]).map(name => {
  const route: RouteSpec = ROUTES[name];
  const source = route.path
    .split('/')
    .map(segment => (segment.startsWith(':') ? `(?<${segment.slice(1)}>${route.params[segment.slice(1)]})` : escapeRegExp(segment)))
    .join('/');
  return { name, method: route.method, pattern: new RegExp(`^${source}$`) };
});

/** The route a request's path (below the companion's root, without its query) asks for with `method`, if any. */
export function matchRoute(method: Method, path: string): RouteMatch | undefined {
  for (const { name, method: wanted, pattern } of PATTERNS) {
    if (wanted !== method) continue;
    const m = pattern.exec(path);
    if (m) return { name, params: { ...m.groups } } as RouteMatch;
  }
  return undefined;
}

/** The query keys a route reads, from a request's query (other keys are ignored). */
export function routeQuery<N extends RouteName>(name: N, search: URLSearchParams): RouteQuery<N> {
  const query: Record<string, string> = {};
  for (const key of ROUTES[name].query as readonly string[]) {
    const value = search.get(key);
    if (value !== null) query[key] = value;
  }
  return query as RouteQuery<N>;
}
