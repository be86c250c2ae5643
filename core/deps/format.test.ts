import { describe, expect, it } from 'vitest';
import { alignColumns, formatDependencyReport, shortHash } from './format';
import type { DependencyReport, PythonEntry, Section } from '../contract/dependencies';

const empty = (): Section => ({ python: [], system: [], unowned: { count: 0, examples: [] }, programs: [], data: { read: [], written: [] } });

const report: DependencyReport = {
  notebook: '/nb/a.ipynb',
  session: 's1',
  package_database: 'dpkg',
  total: {
    python: [
      { name: 'numpy', version: '2.1.0', location: '/v/site-packages', files: 120, use: 'imported', first_cell: null },
      { name: 'scikit-image', version: '0.24.0', location: '/v/site-packages', files: 7, use: 'imported', first_cell: { seq: 2, cell_id: 'c2' } },
      { name: 'hatchling', version: '1.33.0', location: '/v/site-packages', files: 1, use: 'present', first_cell: { seq: 1, cell_id: 'c1' } }
    ],
    system: [{ name: 'libc6', version: '2.36-9', files: 3 }],
    unowned: { count: 3, examples: ['/opt/a', '/opt/b'] },
    programs: [{ path: '/usr/bin/gzip', package: 'gzip' }, { path: '/opt/run' }],
    data: { read: [{ path: 'data.csv', size: 2048, sha256: 'sha256:' + '0123456789ab'.repeat(5) + '0123' }], written: [] }
  },
  cells: [
    { seq: 1, cell_id: 'c1', execution_count: 1, ...empty() },
    {
      seq: 3,
      cell_id: 'c3',
      execution_count: 3,
      ...empty(),
      python: ['pip', 'jupyterlab', 'hatchling'].map(name => ({
        name,
        version: '1',
        location: '/v/site-packages',
        files: 1,
        use: 'present' as const,
        first_cell: null
      }))
    },
    { seq: 2, cell_id: null, execution_count: 2, ...empty(), data: { read: [], written: [{ path: 'out.png', size: null, sha256: null }] } }
  ]
};

describe('alignColumns', () => {
  it('pads columns to the widest cell, right-aligning the ones asked', () => {
    expect(
      alignColumns(
        [
          ['NAME', 'FILES', 'WHERE'],
          ['numpy', '120', '/x'],
          ['a', '7', '/y']
        ],
        new Set([1])
      )
    ).toEqual(['NAME   FILES  WHERE', 'numpy    120  /x', 'a          7  /y']);
  });
});

describe('shortHash', () => {
  it('reads like a person would write it', () => {
    expect(shortHash('sha256:' + 'ab'.repeat(32))).toBe('abababababab');
    expect(shortHash(null)).toBe('-');
  });
});

describe('formatDependencyReport', () => {
  const text = formatDependencyReport(report);

  it('puts the totals first, with every group named', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('Dependencies of /nb/a.ipynb (audit session s1)');
    expect(lines[2]).toBe('All cells and kernel start-up');
    expect(text).toContain(
      '  Python distributions imported: 2\n    NAME          VERSION  FILES  FIRST USE  LOCATION\n    numpy         2.1.0      120  start-up   /v/site-packages\n    scikit-image  0.24.0       7  cell 2     /v/site-packages\n'
    );
    expect(text).toContain(
      '  Python distributions present, not imported: 1 (only their metadata was read, or they were in a folder the run listed)\n' +
        '    NAME       VERSION  FILES  FIRST SEEN  LOCATION\n    hatchling  1.33.0       1  cell 1      /v/site-packages\n'
    );
    expect(text).toContain('  System packages (Debian): 1\n    NAME   VERSION  FILES\n    libc6  2.36-9       3\n');
    expect(text).toContain('  Files no package owns: 3\n    /opt/a\n    /opt/b\n    … and 1 more\n');
    expect(text).toContain('  Programs executed: 2\n    /usr/bin/gzip  gzip\n    /opt/run\n');
    expect(text).toContain('    data.csv  2.0 KiB  0123456789ab\n');
    expect(text).toContain('  Outputs written: none\n');
  });

  it('names, in a cell, the distributions only present, without a table', () => {
    expect(text).toContain(
      'Cell 3 (id c3, execution count 3)\n  Python distributions present, not imported: 3 (only their metadata was read, or they were in a folder the run listed)\n    pip, jupyterlab, hatchling\n'
    );
  });

  it('reads reports without `use` (older containers) as imported', () => {
    const old = { ...report, total: { ...report.total, python: report.total.python.slice(0, 1).map(({ use: _, ...p }) => p as PythonEntry) } };
    expect(formatDependencyReport(old)).toContain('  Python distributions imported: 1\n');
  });

  it('shows each cell with only what it used', () => {
    expect(text).toContain('Cell 1 (id c1, execution count 1)\n  nothing recorded\n');
    expect(text).toContain('Cell 2 (execution count 2)\n  Outputs written: 1\n    PATH     SIZE  SHA-256\n    out.png     ?  -\n');
    expect(text.indexOf('Cell 1')).toBeGreaterThan(text.indexOf('All cells'));
  });

  it('says when the machine has no package database', () => {
    expect(formatDependencyReport({ ...report, package_database: null })).toContain('System packages: no package database on this machine');
  });
});
