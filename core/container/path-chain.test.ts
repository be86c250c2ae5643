import { describe, expect, it } from 'vitest';
import { resolveChain, type FsLookup, type NodeKind } from './path-chain';

/** A file system from a map: path → kind, or `-> target` for links. */
function fakeFs(tree: Record<string, string>): FsLookup {
  return {
    kind: p => (p in tree ? (tree[p].startsWith('->') ? 'symlink' : (tree[p] as NodeKind)) : undefined),
    readlink: p => tree[p].slice(3)
  };
}

const merged = fakeFs({
  '/lib': '-> usr/lib',
  '/usr': 'directory',
  '/usr/lib': 'directory',
  '/usr/lib/x86_64-linux-gnu': 'directory',
  '/usr/lib/x86_64-linux-gnu/libc.so.6': 'file',
  '/usr/lib/x86_64-linux-gnu/libz.so.1': '-> libz.so.1.2.13',
  '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13': 'file',
  '/venv': 'directory',
  '/venv/bin': 'directory',
  '/venv/bin/python': '-> /usr/bin/python3.11',
  '/usr/bin': 'directory',
  '/usr/bin/python3.11': 'file',
  '/loop': '-> /loop'
});

describe('resolveChain', () => {
  it('keeps the link a lookup goes through, and the folders and file it reaches', () => {
    const chain = resolveChain('/lib/x86_64-linux-gnu/libc.so.6', merged);
    expect(chain.resolved).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(chain.steps).toEqual([
      { path: '/lib', kind: 'symlink', target: 'usr/lib' },
      { path: '/usr', kind: 'directory' },
      { path: '/usr/lib', kind: 'directory' },
      { path: '/usr/lib/x86_64-linux-gnu', kind: 'directory' },
      { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', kind: 'file' }
    ]);
  });

  it('follows relative and absolute targets, link after link', () => {
    expect(resolveChain('/usr/lib/x86_64-linux-gnu/libz.so.1', merged).resolved).toBe('/usr/lib/x86_64-linux-gnu/libz.so.1.2.13');
    const python = resolveChain('/venv/bin/python', merged);
    expect(python.resolved).toBe('/usr/bin/python3.11');
    expect(python.steps.map(s => s.path)).toEqual(['/venv', '/venv/bin', '/venv/bin/python', '/usr', '/usr/bin', '/usr/bin/python3.11']);
  });

  it('takes `..` physically, after links, as the kernel does', () => {
    expect(resolveChain('/lib/../bin/python3.11', merged).resolved).toBe('/usr/bin/python3.11');
  });

  it('says where a lookup fails', () => {
    expect(resolveChain('/usr/lib/nothing.so', merged).problem).toEqual({ kind: 'missing', at: '/usr/lib/nothing.so' });
    expect(resolveChain('/loop/x', merged).problem?.kind).toBe('loop');
    expect(resolveChain('/usr/bin/python3.11/x', merged).problem).toEqual({ kind: 'not-a-directory', at: '/usr/bin/python3.11' });
  });
});
