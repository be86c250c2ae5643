import { describe, expect, it } from 'vitest';
import type { SessionUsage } from './usage';
import { wantedPaths } from './wanted';

const usage: SessionUsage = {
  session: 's',
  notebookDir: '/nb',
  python: '/venv/bin/python',
  startup: { software: ['/venv/bin/python', '/usr/lib/libc.so.6'], programs: ['/venv/bin/python'] },
  cells: [
    {
      seq: 1, cellId: 'a', executionCount: 1,
      software: ['/usr/lib/libc.so.6', '/usr/lib/python3.11/json/__init__.py'], programs: [],
      reads: [{ path: 'data.csv', sha256: 'sha256:aa', size: 3 }], readPaths: ['/nb/data.csv'], writes: [], writePaths: []
    },
    {
      seq: 2, cellId: 'b', executionCount: 2,
      software: ['/usr/bin/gzip'], programs: ['/usr/bin/gzip'],
      reads: [{ path: 'data.csv', sha256: 'sha256:bb', size: 3 }], readPaths: ['/nb/data.csv'], writes: [], writePaths: []
    }
  ]
};

describe('wantedPaths', () => {
  it('lists each path once, with the first cell that used it and the hash it was first read with', () => {
    const wanted = wantedPaths(usage);
    expect(wanted.map(w => w.path)).toEqual([
      '/nb/data.csv',
      '/usr/bin/gzip',
      '/usr/lib/libc.so.6',
      '/usr/lib/python3.11/json/__init__.py',
      '/venv/bin/python'
    ]);
    const byPath = Object.fromEntries(wanted.map(w => [w.path, w]));
    expect(byPath['/nb/data.csv']).toMatchObject({ role: 'user', firstCell: { seq: 1, cell_id: 'a' }, asRead: { sha256: 'sha256:aa' } });
    expect(byPath['/usr/lib/libc.so.6'].firstCell).toBeUndefined();
    expect(byPath['/usr/bin/gzip']).toMatchObject({ role: 'executable', firstCell: { seq: 2 } });
    expect(byPath['/venv/bin/python'].role).toBe('executable');
  });
});
