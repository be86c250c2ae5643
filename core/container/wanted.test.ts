import { describe, expect, it } from 'vitest';
import type { SessionUsage } from './usage';
import { isDistributionMetadata, listedFolders, wantedPaths } from './wanted';

const usage: SessionUsage = {
  session: 's',
  notebookDir: '/nb',
  python: '/venv/bin/python',
  startup: { software: ['/venv/bin/python', '/usr/lib/libc.so.6'], programs: ['/venv/bin/python'] },
  cells: [
    {
      seq: 1,
      cellId: 'a',
      executionCount: 1,
      software: ['/usr/lib/libc.so.6', '/usr/lib/python3.11/json/__init__.py'],
      programs: [],
      reads: [{ path: 'data.csv', sha256: 'sha256:aa', size: 3 }],
      readPaths: ['/nb/data.csv'],
      writes: [],
      writePaths: []
    },
    {
      seq: 2,
      cellId: 'b',
      executionCount: 2,
      software: ['/usr/bin/gzip'],
      programs: ['/usr/bin/gzip'],
      reads: [{ path: 'data.csv', sha256: 'sha256:bb', size: 3 }],
      readPaths: ['/nb/data.csv'],
      writes: [],
      writePaths: []
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

describe('paths only found to exist, and folders listed', () => {
  const probing: SessionUsage = {
    ...usage,
    startup: { ...usage.startup, probed: ['/usr/lib/python3.11/os.py', '/usr/lib/libc.so.6'], listed: ['/venv/lib/python3.11/site-packages'] },
    cells: [{ ...usage.cells[0], probed: ['/usr/bin/gzip'], listed: ['/venv/lib/python3.11/site-packages', '/usr/share/fonts'] }, usage.cells[1]]
  };

  it('wants them as probes, packed only when small, unless the run also opened them', () => {
    const byPath = Object.fromEntries(wantedPaths(probing).map(w => [w.path, w]));
    expect(byPath['/usr/lib/python3.11/os.py']).toMatchObject({ role: 'system', probe: true });
    expect(byPath['/usr/lib/python3.11/os.py'].firstCell).toBeUndefined();
    expect(byPath['/usr/share/fonts']).toMatchObject({ probe: true, firstCell: { seq: 1 } });
    // read at start-up, or run by cell 2 after cell 1 only tested it: packed whatever its size
    expect(byPath['/usr/lib/libc.so.6'].probe).toBeUndefined();
    expect(byPath['/usr/bin/gzip']).toMatchObject({ role: 'executable', firstCell: { seq: 1 } });
    expect(byPath['/usr/bin/gzip'].probe).toBeUndefined();
  });

  it('lists each listed folder once, with the first cell that listed it', () => {
    expect(listedFolders(probing)).toEqual([{ path: '/venv/lib/python3.11/site-packages' }, { path: '/usr/share/fonts', firstCell: { seq: 1, cell_id: 'a' } }]);
  });

  it('knows distribution metadata by name', () => {
    expect(['numpy-2.4.6.dist-info', 'six-1.16.0.egg-info', 'numpy', 'x.dist-info.bak'].map(isDistributionMetadata)).toEqual([true, true, false, false]);
  });
});
