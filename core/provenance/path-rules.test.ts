import { describe, expect, it } from 'vitest';
import { cacheFoldersOf, classifyPath, displayPath, sourceOfBytecode } from './path-rules';

const ctx = { notebookDir: '/home/alice/work', home: '/home/alice', softwarePrefixes: ['/home/alice/.venv'] };

describe('classifyPath', () => {
  it.each([
    ['/proc/self/status', 'noise'],
    ['/dev/null', 'noise'],
    ['/sys/devices/system/cpu', 'noise'],
    ['/__retrace__/abc/begin/1/0/-', 'noise'],
    ['/home/alice/work/__pycache__/mod.cpython-311.pyc', 'noise'],
    ['/home/alice/.cache/matplotlib/fontlist-v390.json', 'noise'],
    ['/home/alice/.fontconfig/4c599c202bc5c08e2d34565a40eac3b2-le64.cache-8', 'noise'],
    ['/home/alice/.ipython/profile_default/history.sqlite', 'noise'],
    ['/home/alice/.local/share/jupyter/runtime/kernel-1.json', 'noise'],
    ['/tmp/dask-scratch-space/worker-abc/storage', 'noise'],
    ['/tmp/dask-scratch-space', 'noise'],
    ['/tmp/ipykernel_16659/4261857606.py', 'noise'],
    ['/usr/lib/x86_64-linux-gnu/libc.so.6', 'system'],
    ['/etc/hostname', 'system'],
    // a system cache is software (packed, never an input), not the user's data
    ['/var/cache/fontconfig/3830d5c3ddfd5cd38a049b759396e72e-le64.cache-8', 'system'],
    ['/home/alice/.venv/bin/python', 'system'],
    ['/home/alice/.venv/lib/python3.11/site-packages/numpy/__init__.py', 'system'],
    ['/root/.pyenv/versions/3.11.7/lib/python3.11/json/__init__.py', 'system'],
    ['/home/alice/work/data/x.csv', 'user'],
    ['/home/alice/work/mymodule.py', 'user'],
    ['/data/shared/input.nc', 'user']
  ])('%s is %s', (path, expected) => {
    expect(classifyPath(path, ctx)).toBe(expected);
  });
});

describe('cacheFoldersOf', () => {
  it('makes the folder XDG_CACHE_HOME names noise, as ~/.cache is', () => {
    const dirs = cacheFoldersOf({ XDG_CACHE_HOME: '/scratch/alice/cache/' });
    expect(dirs).toEqual(['/scratch/alice/cache']);
    expect(classifyPath('/scratch/alice/cache/fontconfig/x-le64.cache-8', { ...ctx, noisePrefixes: dirs })).toBe('noise');
    expect(classifyPath('/scratch/alice/cached.csv', { ...ctx, noisePrefixes: dirs })).toBe('user');
  });

  it('ignores an unset, relative or root XDG_CACHE_HOME', () => {
    expect(cacheFoldersOf({})).toEqual([]);
    expect(cacheFoldersOf({ XDG_CACHE_HOME: 'cache' })).toEqual([]);
    expect(cacheFoldersOf({ XDG_CACHE_HOME: '/' })).toEqual([]);
  });
});

describe('displayPath', () => {
  it('writes paths under the notebook relative to it', () => {
    expect(displayPath('/home/alice/work/data/x.csv', ctx)).toBe('data/x.csv');
    expect(displayPath('/home/alice/work', ctx)).toBe('.');
  });

  it('uses ~ for the home and abstracts random temp names', () => {
    expect(displayPath('/home/alice/notes.txt', ctx)).toBe('~/notes.txt');
    expect(displayPath('/tmp/tmpab12cd_x/out.txt', ctx)).toBe('/tmp/<tmp>/out.txt');
    expect(displayPath('/tmp/worker-12345/a', ctx)).toBe('/tmp/<tmp>/a');
    expect(displayPath('/srv/data/a.txt', ctx)).toBe('/srv/data/a.txt');
  });

  it('does not mistake a sibling folder for the notebook folder', () => {
    expect(displayPath('/home/alice/workshop/a.txt', ctx)).toBe('~/workshop/a.txt');
  });
});

describe('sourceOfBytecode', () => {
  it('maps cached bytecode to its source and leaves other paths alone', () => {
    expect(sourceOfBytecode('/w/pkg/__pycache__/mod.cpython-311.pyc')).toBe('/w/pkg/mod.py');
    expect(sourceOfBytecode('/w/__pycache__/a.b.cpython-312.opt-1.pyc')).toBe('/w/a.b.py');
    expect(sourceOfBytecode('/w/mod.pyc')).toBeUndefined();
    expect(sourceOfBytecode('/w/__pycache__/x.txt')).toBeUndefined();
  });
});
