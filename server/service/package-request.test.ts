import { describe, expect, it } from 'vitest';
import { HttpError } from './http';
import { contentsPath, isInside, parsePackageRequest, resolveServerPath } from './package-request';

describe('package requests', () => {
  it('resolves contents paths against the server root and keeps absolute ones', () => {
    expect(resolveServerPath('a/b.ipynb', '/srv/root', 'notebook')).toBe('/srv/root/a/b.ipynb');
    expect(resolveServerPath('/elsewhere/b.ipynb', '/srv/root', 'notebook')).toBe('/elsewhere/b.ipynb');
    expect(resolveServerPath('/x/../y.ipynb', undefined, 'notebook')).toBe('/y.ipynb');
    expect(() => resolveServerPath('../b.ipynb', '/srv/root', 'notebook')).toThrow(/outside/);
    expect(() => resolveServerPath('b.ipynb', undefined, 'notebook')).toThrow(/RETRACE_SERVER_ROOT/);
    expect(() => resolveServerPath('a\0b', '/srv/root', 'notebook')).toThrow(HttpError);
  });

  it('tells inside from outside, and gives contents paths', () => {
    expect(isInside('/srv/root', '/srv/root')).toBe(true);
    expect(isInside('/srv/root/..x/a', '/srv/root')).toBe(true);
    expect(isInside('/srv/rootx/a', '/srv/root')).toBe(false);
    expect(contentsPath('/srv/root/a/b.tar.gz', '/srv/root/')).toBe('a/b.tar.gz');
    expect(contentsPath('/tmp/b.tar.gz', '/srv/root')).toBeNull();
    expect(contentsPath('/srv/root/b', undefined)).toBeNull();
  });

  it('checks every field', () => {
    expect(parsePackageRequest({ notebook: 'n.ipynb', output: 'out/n.tgz', maxFileBytes: 5, deny: ['a', ''], allow: null }, '/r')).toEqual({
      notebook: '/r/n.ipynb',
      output: '/r/out/n.tgz',
      maxFileBytes: 5,
      deny: ['a'],
      allow: []
    });
    const bad = (body: unknown) => () => parsePackageRequest(body, '/r');
    expect(bad([])).toThrow(/JSON object/);
    expect(bad({ notebook: ' ' })).toThrow(/"notebook"/);
    expect(bad({ notebook: 'n.ipynb', output: 3 })).toThrow(/"output"/);
    expect(bad({ notebook: 'n.ipynb', maxFileBytes: 1.5 })).toThrow(/maxFileBytes/);
    expect(bad({ notebook: 'n.ipynb', maxFileBytes: '1G' })).toThrow(/maxFileBytes/);
    expect(bad({ notebook: 'n.ipynb', allow: [1] })).toThrow(/"allow"/);
    expect(bad({ notebook: 'n.ipynb', deny: new Array(201).fill('x') })).toThrow(/more than 200/);
  });
});
