import { describe, expect, it } from 'vitest';
import { matchRoute, ROUTES, routePath, routeQuery, type Method, type RouteName } from './routes';

/** For every route: parameters and a full query as the frontend might send them. */
const SAMPLES: { [N in RouteName]: { params: Record<keyof (typeof ROUTES)[N]['params'], string>; query: Record<string, string> } } = {
  health: { params: {}, query: {} },
  environment: { params: {}, query: { refresh: '1' } },
  session: { params: { kernel: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' }, query: { wait_ms: '5000', after_run: 'r-1' } },
  execution: { params: { kernel: 'k.run-2' }, query: { cell_id: 'a b/c', execution_count: '3', wait_ms: '15000', run: 'r2' } },
  dependencies: { params: { session: 'S_1' }, query: { notebook: 'work/a b&c.ipynb' } },
  job: { params: { job: 'job-1' }, query: {} },
  startPackage: { params: {}, query: {} },
  verdict: { params: { kernel: 'k' }, query: { wait_ms: '30000', run: 'r3' } }
};

const NAMES = Object.keys(ROUTES) as RouteName[];
const OTHER: Record<Method, Method> = { GET: 'POST', POST: 'GET' };

/** A built path taken apart as the companion sees it. */
function request(built: string): { path: string; search: URLSearchParams } {
  const url = new URL(built, 'http://companion');
  return { path: url.pathname, search: url.searchParams };
}

describe('the route table', () => {
  it('names in each path exactly the parameters it describes', () => {
    for (const name of NAMES) {
      const inPath = [...ROUTES[name].path.matchAll(/:(\w+)/g)].map(m => m[1]).sort();
      expect(inPath, name).toEqual(Object.keys(ROUTES[name].params).sort());
    }
  });

  it('gives every route a path of its own', () => {
    const seen = NAMES.map(n => `${ROUTES[n].method} ${ROUTES[n].path.replace(/:\w+/g, ':')}`);
    expect(new Set(seen).size).toBe(NAMES.length);
  });

  it.each(NAMES)('matches what it builds for %s: the same route, parameters and query', name => {
    const { params, query } = SAMPLES[name];
    const { path, search } = request(routePath(name, params as never, query));
    expect(matchRoute(ROUTES[name].method, path)).toEqual({ name, params });
    expect(routeQuery(name, search)).toEqual(query);
  });

  it.each(NAMES)('does not match %s with the other method', name => {
    const { path } = request(routePath(name, SAMPLES[name].params as never));
    expect(matchRoute(OTHER[ROUTES[name].method], path)).toBeUndefined();
  });

  it('writes no query when none is given, and leaves out undefined values', () => {
    expect(routePath('environment', {})).toBe('/api/environment');
    expect(routePath('session', { kernel: 'k' }, { wait_ms: undefined, after_run: 'r' })).toBe('/api/sessions/k?after_run=r');
  });

  it('writes the query in the order of the table, whatever the order given', () => {
    expect(routePath('execution', { kernel: 'k' }, { run: 'r', wait_ms: 10, execution_count: 2, cell_id: 'c' })).toBe(
      '/api/sessions/k/executions?cell_id=c&execution_count=2&wait_ms=10&run=r'
    );
  });

  it('encodes parameters, so one that holds a slash or a space does not reach another route', () => {
    const built = routePath('job', { job: 'a/b c' });
    expect(built).toBe('/api/jobs/a%2Fb%20c');
    expect(matchRoute('GET', request(built).path)).toBeUndefined();
    expect(routePath('session', { kernel: 'k/deps' })).toBe('/api/sessions/k%2Fdeps');
  });

  it('matches no unknown path', () => {
    const unknown = [
      '',
      '/',
      '/api',
      '/api/',
      '/api/healthz',
      '/api/health/',
      '/api/health/x',
      '/health',
      '/retrace-companion/api/health',
      '/API/health',
      '/api/sessions',
      '/api/sessions/',
      '/api/sessions//deps',
      '/api/sessions/a/b',
      '/api/sessions/a/deps/x',
      '/api/sessions/a%2Fb',
      '/api/sessions/a b',
      '/api/jobs/',
      '/api/jobs/a.b',
      '/api/jobs/a_b',
      '/api/package/x'
    ];
    for (const path of unknown) {
      expect(matchRoute('GET', path), path).toBeUndefined();
      expect(matchRoute('POST', path), path).toBeUndefined();
    }
  });

  it('reads only the keys a route lists, the first value of each', () => {
    const search = new URLSearchParams('wait_ms=1&wait_ms=2&cell_id=c&other=x');
    expect(routeQuery('session', search)).toEqual({ wait_ms: '1' });
    expect(routeQuery('health', search)).toEqual({});
    expect(routeQuery('environment', new URLSearchParams('refresh='))).toEqual({ refresh: '' });
  });
});
