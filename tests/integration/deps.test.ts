/**
 * The dependency report on this machine's real software: the repository's .venv
 * (scikit-image, numpy, python-dateutil, ...) and dpkg's database. Expected versions
 * come from importlib.metadata and dpkg-query themselves.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depsCommand } from '../../server/cli/deps';
import type { CellUsage, SessionUsage } from '../../core/container/usage';
import { STDLIB_NAME } from '../../core/deps/python-dists';
import type { DependencyReport } from '../../core/contract/dependencies';
import { buildDependencyReport } from '../../server/deps/build';
import { retrace } from './jupyter-server';

const repo = resolve(__dirname, '../..');
const python = join(repo, '.venv/bin/python');
const haveDpkg = existsSync('/usr/bin/dpkg-query');

const py = (code: string) => execFileSync(python, ['-c', code], { encoding: 'utf8' }).trim();
const dpkgVersion = (pkg: string) => execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim();

const sitePackages = py('import sysconfig; print(sysconfig.get_paths()["purelib"])');
const stdlib = py('import os; print(os.path.dirname(os.__file__))');
const pythonXY = py('import sys; print("%d.%d" % sys.version_info[:2])');

const cell = (seq: number, over: Partial<CellUsage>): CellUsage => ({
  seq,
  cellId: `cell-${seq}`,
  executionCount: seq,
  software: [],
  programs: [],
  reads: [],
  writes: [],
  readPaths: [],
  writePaths: [],
  ...over
});

describe.skipIf(!existsSync(python))('retrace deps on this machine', () => {
  const usage: SessionUsage = {
    session: 'integration',
    notebookDir: repo,
    python,
    startup: {
      software: [python, join(stdlib, 'os.py'), join(sitePackages, 'numpy/__init__.py'), '/lib/x86_64-linux-gnu/libc.so.6', '/etc/ld.so.cache'],
      programs: [python]
    },
    cells: [
      cell(1, {
        software: [
          join(sitePackages, 'skimage/__init__.py'),
          join(sitePackages, 'dateutil/parser/_parser.py'),
          '/usr/lib/x86_64-linux-gnu/libm.so.6',
          join(sitePackages, 'skimage')
        ],
        reads: [{ path: 'package.json' }],
        readPaths: [join(repo, 'package.json')]
      }),
      cell(2, { software: ['/usr/bin/gzip'], programs: ['/usr/bin/gzip'] })
    ]
  };

  it('names Python distributions as their metadata does, with importlib’s versions', async () => {
    const report = await buildDependencyReport(usage, { notebook: join(repo, 'x.ipynb') });
    const python = new Map(report.total.python.map(p => [p.name, p]));
    expect(python.get('scikit-image')).toMatchObject({
      version: py('import importlib.metadata as m; print(m.version("scikit-image"))'),
      location: sitePackages,
      files: 1,
      first_cell: { seq: 1, cell_id: 'cell-1' }
    });
    expect(python.get('numpy')).toMatchObject({ version: py('import importlib.metadata as m; print(m.version("numpy"))'), first_cell: null });
    expect(python.get('python-dateutil')?.version).toBe(py('import importlib.metadata as m; print(m.version("python-dateutil"))'));
    expect(python.get(STDLIB_NAME)).toMatchObject({ version: pythonXY, location: dirname(dirname(stdlib)) });
    // A folder opened to list it is not a file of the package.
    expect(report.cells[0].python.find(p => p.name === 'scikit-image')?.files).toBe(1);
    expect(report.total.data.read[0]).toMatchObject({ path: 'package.json', sha256: null });
    expect(report.total.data.read[0].size).toBeGreaterThan(0);
  });

  it.skipIf(!haveDpkg)('names Debian packages with dpkg’s versions, across merged /usr', async () => {
    const report = await buildDependencyReport(usage);
    expect(report.package_database).toBe('dpkg');
    const system = new Map(report.total.system.map(s => [s.name, s]));
    expect(system.get('gzip')).toEqual({ name: 'gzip', version: dpkgVersion('gzip'), files: 1 });
    expect(system.get('libc6')).toEqual({ name: 'libc6', version: dpkgVersion('libc6'), files: 2 });
    expect(report.total.programs).toContainEqual({ path: '/usr/bin/gzip', package: 'gzip' });
    expect(report.cells[1].system.map(s => s.name)).toEqual(['gzip']);
    // Noise never reaches the report.
    expect(JSON.stringify(report)).not.toContain('ld.so.cache');
  });

  it('reports "no package database" when dpkg cannot be asked', async () => {
    const report = await buildDependencyReport(usage, { dpkg: { dpkgQuery: '/nonexistent/dpkg-query' } });
    expect(report.package_database).toBeNull();
    expect(report.total.system).toEqual([]);
    expect(report.total.unowned.examples).toContain('/usr/bin/gzip');
    expect(report.total.python.map(p => p.name)).toContain('scikit-image');
  });

  it('handles a run of thousands of files in a few seconds', async () => {
    const many: string[] = [];
    for (const pkg of ['numpy', 'scipy', 'pandas', 'dask', 'matplotlib', 'skimage']) {
      const dir = join(sitePackages, pkg);
      if (existsSync(dir))
        for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (f.endsWith('.py') || f.endsWith('.so')) many.push(join(dir, f));
    }
    const libs = readdirSync('/usr/lib/x86_64-linux-gnu').filter(f => f.includes('.so'));
    many.push(...libs.slice(0, 1500).map(f => join('/usr/lib/x86_64-linux-gnu', f)));
    const started = Date.now();
    const report = await buildDependencyReport({ ...usage, startup: { software: many.sort(), programs: [] } });
    const elapsed = Date.now() - started;
    console.log(
      `deps: ${many.length} files in ${elapsed} ms; ${report.total.python.length} python, ${report.total.system.length} system, ${report.total.unowned.count} unowned`
    );
    expect(elapsed).toBeLessThan(20_000);
    expect(report.total.python.map(p => p.name)).toEqual(expect.arrayContaining(['numpy', 'scikit-image']));
  });

  it('retrace deps NOTEBOOK --json reads the notebook’s audit session from the store', async () => {
    const home = mkdtempSync(join(tmpdir(), 'retrace-deps-home-'));
    const saved = process.env.RETRACE_HOME;
    process.env.RETRACE_HOME = home;
    try {
      const id = 'deps-integration';
      const session = join(home, 'sessions', id);
      mkdirSync(join(session, 'cells'), { recursive: true });
      const meta = { id, kind: 'audit', startedAt: new Date().toISOString(), audited: true, python, argv: [], launcherPid: 0, cwd: home };
      writeFileSync(join(session, 'session.json'), JSON.stringify(meta));
      writeFileSync(join(session, 'startup.json'), JSON.stringify(usage.startup));
      const { software, programs, reads, writes, readPaths, writePaths } = usage.cells[0];
      const record = { session: id, seq: 1, cellId: 'cell-1', executionCount: 1, software, programs, reads, writes, readPaths, writePaths };
      writeFileSync(join(session, 'cells', '1.json'), JSON.stringify(record));
      const notebook = join(home, 'n.ipynb');
      const audit = { session: id, started_at: meta.startedAt, kernel: 'retrace-audit', retrace_version: '0' };
      writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { retrace: { spec_version: '1.0.0', audit } }, cells: [] }));

      let out = '';
      expect(await depsCommand({ target: notebook, json: true }, t => (out += t))).toBe(0);
      const report = JSON.parse(out) as DependencyReport;
      expect(report).toMatchObject({ notebook, session: id });
      expect(report.cells.map(c => c.cell_id)).toEqual(['cell-1']);
      expect(report.cells[0].python.map(p => p.name)).toContain('scikit-image');
    } finally {
      if (saved === undefined) delete process.env.RETRACE_HOME;
      else process.env.RETRACE_HOME = saved;
      rmSync(home, { recursive: true, force: true });
    }
  });
});

/**
 * On a real audit: importing dask scans entry points, which opens the metadata of
 * every distribution in the venv. Those are present, not imported; what the
 * notebook's code loaded is imported.
 */
describe.skipIf(!existsSync(python))('retrace deps on an audited example', () => {
  it('tells the distributions image-convolution.ipynb imported from those only present', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retrace-deps-example-'));
    try {
      cpSync(join(repo, 'examples', 'image-convolution.ipynb'), join(dir, 'image-convolution.ipynb'));
      const home = join(dir, '.retrace');
      const audit = await retrace(['audit', 'image-convolution.ipynb', '-o', 'audited.ipynb'], dir, home);
      expect(audit.status, audit.stderr).toBe(0);
      const out = await retrace(['deps', 'audited.ipynb', '--json'], dir, home);
      expect(out.status, out.stderr).toBe(0);
      const report = JSON.parse(out.stdout) as DependencyReport;
      const names = (use: string) => report.total.python.filter(p => p.use === use).map(p => p.name);
      const imported = names('imported');
      const present = names('present');
      console.log(`deps of image-convolution: ${imported.length} imported, ${present.length} present, not imported`);
      expect(imported).toEqual(expect.arrayContaining(['numpy', 'scipy', 'scikit-image', 'dask', 'distributed', STDLIB_NAME]));
      for (const name of ['hatchling', 'pip', 'jupyterlab']) {
        expect(imported, name).not.toContain(name);
        // They were seen: the entry-point scan opened their metadata.
        expect(present, name).toContain(name);
      }
      // Imported ones first.
      expect(report.total.python.map(p => p.use)).toEqual([...imported.map(() => 'imported'), ...present.map(() => 'present')]);

      const text = await retrace(['deps', 'audited.ipynb'], dir, home);
      const presentAt = text.stdout.indexOf('Python distributions present, not imported');
      expect(text.stdout.indexOf('Python distributions imported')).toBeGreaterThan(-1);
      expect(presentAt).toBeGreaterThan(text.stdout.indexOf('Python distributions imported'));
      expect(text.stdout.slice(presentAt, text.stdout.indexOf('System packages', presentAt))).toMatch(/\n\s+hatchling\s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
