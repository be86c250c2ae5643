import { describe, expect, it } from 'vitest';
import type { CellUsage, SessionUsage } from '../container/usage';
import { PythonDistIndex, STDLIB_NAME } from './python-dists';
import { buildReport, isDependencyNoise, type DependencyLookups } from './report';
import type { PythonEntry } from '../contract/dependencies';
import type { PythonDistribution } from './python-dists';

const SP = '/v/lib/python3.11/site-packages';
const HASH_A = 'sha256:' + 'a'.repeat(64);
const HASH_B = 'sha256:' + 'b'.repeat(64);

const index = new PythonDistIndex([
  { name: 'numpy', version: '2.1.0', location: SP, files: ['numpy/__init__.py', 'numpy/core/multiarray.py'], topLevel: ['numpy'] },
  { name: 'scikit-image', version: '0.24.0', location: SP, files: ['skimage/__init__.py', 'skimage/io/_io.py'], topLevel: ['skimage'] }
]);

const DEBIAN: Record<string, string> = {
  '/usr/bin/gzip': 'gzip',
  '/lib/x86_64-linux-gnu/libc.so.6': 'libc6',
  '/lib/x86_64-linux-gnu/libm.so.6': 'libc6',
  '/usr/bin/python3.11': 'python3.11-minimal'
};
const VERSIONS: Record<string, string> = { gzip: '1.12-1', libc6: '2.36-9', 'python3.11-minimal': '3.11.2-6' };

const lookups: DependencyLookups = {
  pythonOwner: p => index.ownerOf(p),
  debianOwner: p => DEBIAN[p],
  debianVersion: pkg => VERSIONS[pkg],
  packageDatabase: 'dpkg',
  sizeOf: p => (p === '/nb/big.bin' ? 12345 : undefined),
  isDirectory: p => p === SP
};

const cell = (seq: number, over: Partial<CellUsage>): CellUsage => ({
  seq,
  cellId: `c${seq}`,
  executionCount: seq,
  software: [],
  programs: [],
  reads: [],
  writes: [],
  readPaths: [],
  writePaths: [],
  ...over
});

const usage: SessionUsage = {
  session: 's1',
  notebookDir: '/nb',
  python: '/v/bin/python',
  startup: {
    software: ['/usr/bin/python3.11', '/usr/lib/python3.11/os.py', `${SP}/numpy/__init__.py`, '/lib/x86_64-linux-gnu/libc.so.6', '/etc/ld.so.cache', SP],
    programs: ['/usr/bin/python3.11']
  },
  cells: [
    cell(1, {
      software: [
        `${SP}/numpy/__init__.py`,
        `${SP}/numpy/core/multiarray.py`,
        `${SP}/skimage/io/_io.py`,
        '/lib/x86_64-linux-gnu/libm.so.6',
        '/opt/tool/libfoo.so'
      ],
      reads: [{ path: 'data.csv', sha256: HASH_A, size: 10 }],
      readPaths: ['/nb/data.csv'],
      writes: [{ path: 'out.png', sha256: HASH_A, size: 5 }],
      writePaths: ['/nb/out.png']
    }),
    cell(2, {
      software: ['/usr/bin/gzip', `${SP}/skimage/__init__.py`, '/home/u/.cache/matplotlib/fontlist-v390.json', '/proc/self/status'],
      programs: ['/usr/bin/gzip', '/opt/tool/run'],
      reads: [
        { path: 'data.csv', sha256: HASH_B, size: 11 },
        { path: 'big.bin', size: undefined, note: 'too-large' }
      ],
      readPaths: ['/nb/data.csv', '/nb/big.bin'],
      writes: [{ path: 'out.png', sha256: HASH_B, size: 6 }],
      writePaths: ['/nb/out.png']
    })
  ]
};

describe('buildReport', () => {
  const report = buildReport(usage, lookups, { notebook: '/nb/a.ipynb' });

  it('names the notebook, the session and the package database', () => {
    expect(report).toMatchObject({ notebook: '/nb/a.ipynb', session: 's1', package_database: 'dpkg' });
  });

  it('totals python distributions by distribution name, counting files and naming the first cell', () => {
    expect(report.total.python).toEqual([
      { name: 'numpy', version: '2.1.0', location: SP, files: 2, use: 'imported', first_cell: null },
      { name: STDLIB_NAME, version: '3.11', location: '/usr', files: 1, use: 'imported', first_cell: null },
      { name: 'scikit-image', version: '0.24.0', location: SP, files: 2, use: 'imported', first_cell: { seq: 1, cell_id: 'c1' } }
    ]);
  });

  it('totals Debian packages with their versions', () => {
    expect(report.total.system).toEqual([
      { name: 'gzip', version: '1.12-1', files: 1 },
      { name: 'libc6', version: '2.36-9', files: 2 },
      { name: 'python3.11-minimal', version: '3.11.2-6', files: 1 }
    ]);
  });

  it('lists unowned files, leaving out noise and folders', () => {
    expect(report.total.unowned).toEqual({ count: 2, examples: ['/opt/tool/libfoo.so', '/opt/tool/run'] });
  });

  it('lists programs in first-run order with their package when known', () => {
    expect(report.total.programs).toEqual([
      { path: '/usr/bin/python3.11', package: 'python3.11-minimal' },
      { path: '/usr/bin/gzip', package: 'gzip' },
      { path: '/opt/tool/run' }
    ]);
  });

  it('lists data read once as first read and outputs once as last written, sizes filled in', () => {
    expect(report.total.data.read).toEqual([
      { path: 'data.csv', size: 10, sha256: HASH_A },
      { path: 'big.bin', size: 12345, sha256: null }
    ]);
    expect(report.total.data.written).toEqual([{ path: 'out.png', size: 6, sha256: HASH_B }]);
  });

  it('reports each cell on its own, with the global first use', () => {
    expect(report.cells.map(c => [c.seq, c.cell_id, c.execution_count])).toEqual([
      [1, 'c1', 1],
      [2, 'c2', 2]
    ]);
    const [one, two] = report.cells;
    expect(one.python.map(p => [p.name, p.files, p.first_cell?.seq ?? null])).toEqual([
      ['numpy', 2, null],
      ['scikit-image', 1, 1]
    ]);
    expect(one.system).toEqual([{ name: 'libc6', version: '2.36-9', files: 1 }]);
    expect(one.unowned).toEqual({ count: 1, examples: ['/opt/tool/libfoo.so'] });
    expect(one.programs).toEqual([]);
    expect(two.python.map(p => p.name)).toEqual(['scikit-image']);
    expect(two.data.read).toHaveLength(2);
    expect(two.data.written).toEqual([{ path: 'out.png', size: 6, sha256: HASH_B }]);
  });

  it('caps unowned examples but keeps the count', () => {
    const many = { ...usage, startup: { software: Array.from({ length: 30 }, (_, i) => `/opt/x/f${String(i).padStart(2, '0')}`), programs: [] }, cells: [] };
    const r = buildReport(many, lookups, { notebook: 'n', maxUnownedExamples: 5 });
    expect(r.total.unowned.count).toBe(30);
    expect(r.total.unowned.examples).toEqual(['/opt/x/f00', '/opt/x/f01', '/opt/x/f02', '/opt/x/f03', '/opt/x/f04']);
  });

  it('says when there is no package database, leaving system files unattributed', () => {
    const r = buildReport(usage, { ...lookups, debianOwner: () => undefined, packageDatabase: null }, { notebook: 'n' });
    expect(r.package_database).toBeNull();
    expect(r.total.system).toEqual([]);
    expect(r.total.unowned.examples).toContain('/usr/bin/gzip');
  });
});

/**
 * As an audit of examples/image-convolution.ipynb records it: `import dask` scans
 * entry points, opening the entry_points.txt of every distribution in the venv
 * (hatchling, pip, jupyterlab among them); site.py reads every .pth at start-up.
 */
describe('buildReport: imported or only present', () => {
  const dist = (name: string, version: string, top: string, extra: string[] = []): PythonDistribution => {
    const info = `${name.replace(/-/g, '_')}-${version}.dist-info`;
    return {
      name,
      version,
      location: SP,
      files: [`${top}/__init__.py`, ...extra, `${info}/METADATA`, `${info}/RECORD`, `${info}/entry_points.txt`],
      topLevel: [top],
      metadataDir: info
    };
  };
  const dists = [
    dist('numpy', '2.4.6', 'numpy', ['numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so']),
    dist('dask', '2026.8.0', 'dask', ['dask/array/core.py']),
    dist('hatchling', '1.33.0', 'hatchling'),
    dist('pip', '26.3', 'pip'),
    dist('jupyterlab', '4.5.11', 'jupyterlab'),
    dist('setuptools', '65.5.0', 'setuptools', ['distutils-precedence.pth', '_distutils_hack/__init__.py']),
    dist('pandas', '3.1.1', 'pandas'),
    // Never opened at all: found only by listing site-packages (importlib.metadata.distribution('pyarrow')).
    dist('pyarrow', '21.0.0', 'pyarrow')
  ];
  const realistic = new PythonDistIndex(dists);
  const scan = dists.filter(d => d.name !== 'pyarrow').map(d => `${SP}/${d.metadataDir}/entry_points.txt`);
  const withListing: DependencyLookups = {
    ...lookups,
    pythonOwner: p => realistic.ownerOf(p),
    pythonDistributionsIn: folder => (folder === SP ? dists.map(d => ({ name: d.name, version: d.version, location: d.location })) : [])
  };
  const run: SessionUsage = {
    ...usage,
    // site.py runs the .pth, which imports _distutils_hack: setuptools' code ran.
    startup: { software: [`${SP}/distutils-precedence.pth`, `${SP}/_distutils_hack/__init__.py`], programs: [] },
    cells: [
      cell(1, {
        software: [
          `${SP}/numpy/__init__.py`,
          `${SP}/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so`,
          `${SP}/dask/__init__.py`,
          `${SP}/dask/array/core.py`,
          ...scan
        ]
      }),
      // pandas: its version looked up in cell 2 (METADATA), imported in cell 3.
      cell(2, { software: [`${SP}/pandas-3.1.1.dist-info/METADATA`], listed: [SP] } as Partial<CellUsage>),
      cell(3, { software: [`${SP}/pandas/__init__.py`] })
    ]
  };
  const report = buildReport(run, withListing, { notebook: '/nb/a.ipynb' });
  const byUse = (entries: PythonEntry[]) => ({
    imported: entries.filter(p => p.use === 'imported').map(p => p.name),
    present: entries.filter(p => p.use === 'present').map(p => p.name)
  });

  it('says which distributions were imported and which only present, imported first', () => {
    expect(byUse(report.total.python)).toEqual({ imported: ['dask', 'numpy', 'pandas', 'setuptools'], present: ['hatchling', 'jupyterlab', 'pip', 'pyarrow'] });
    expect(report.total.python.map(p => p.use)).toEqual([...Array(4).fill('imported'), ...Array(4).fill('present')]);
  });

  it('counts every file read, metadata included; a distribution only listed has none', () => {
    const total = new Map(report.total.python.map(p => [p.name, p]));
    expect(total.get('numpy')?.files).toBe(3);
    expect(total.get('hatchling')).toEqual({
      name: 'hatchling',
      version: '1.33.0',
      location: SP,
      files: 1,
      use: 'present',
      first_cell: { seq: 1, cell_id: 'c1' }
    });
    expect(total.get('pyarrow')).toMatchObject({ files: 0, use: 'present', first_cell: { seq: 2, cell_id: 'c2' } });
  });

  it('names the first cell that imported it, not the first that read its metadata', () => {
    const total = new Map(report.total.python.map(p => [p.name, p]));
    expect(total.get('pandas')).toMatchObject({ use: 'imported', files: 3, first_cell: { seq: 3, cell_id: 'c3' } });
    expect(total.get('setuptools')).toMatchObject({ use: 'imported', first_cell: null });
  });

  it('judges each cell on its own', () => {
    const [one, two, three] = report.cells.map(c => byUse(c.python));
    expect(one).toEqual({ imported: ['dask', 'numpy'], present: ['hatchling', 'jupyterlab', 'pandas', 'pip', 'setuptools'] });
    expect(two).toEqual({ imported: [], present: ['dask', 'hatchling', 'jupyterlab', 'numpy', 'pandas', 'pip', 'pyarrow', 'setuptools'] });
    expect(three).toEqual({ imported: ['pandas'], present: [] });
    // In cell 2 pandas is present; its first presence was cell 1's scan.
    expect(report.cells[1].python.find(p => p.name === 'pandas')?.first_cell).toEqual({ seq: 1, cell_id: 'c1' });
  });

  it('a listed folder that is not site-packages itself shows no distributions', () => {
    const r = buildReport({ ...run, cells: [cell(1, { listed: [`${SP}/numpy`] } as Partial<CellUsage>)] }, withListing, { notebook: 'n' });
    expect(r.total.python.map(p => p.name)).toEqual(['setuptools']);
  });
});

describe('isDependencyNoise', () => {
  it('drops kernel interfaces, caches and machine configuration', () => {
    for (const p of [
      '/proc/self/maps',
      '/dev/urandom',
      '/sys/devices/system/cpu/online',
      '/etc/ld.so.cache',
      '/etc/localtime',
      '/home/u/.cache/pip/x',
      '/home/u/.config/matplotlib/matplotlibrc',
      '/tmp/mpl/fontlist-v390.json',
      '/var/cache/fontconfig/abc-le64.cache-7',
      `${SP}/numpy/__pycache__/x.cpython-311.pyc`
    ])
      expect(isDependencyNoise(p), p).toBe(true);
  });

  it('keeps software', () => {
    for (const p of ['/usr/lib/python3.11/os.py', `${SP}/matplotlib/mpl-data/matplotlibrc`, '/etc/ssl/certs/ca-certificates.crt', '/usr/bin/gzip'])
      expect(isDependencyNoise(p), p).toBe(false);
  });
});
