/**
 * The notebook container and its repeat, end to end with real kernels, real strace
 * and real bubblewrap: a notebook importing a package that only a throwaway
 * virtualenv has, a local module, a data file and a `!` program; audited, packaged,
 * listed and extracted with GNU tar, its dependencies reported; then the venv, the
 * module and the data deleted, and the notebook repeated from the container.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCellMetadata, validateNotebookMetadata } from '../../core/metadata/validate';
import { run, VENV_BIN } from './jupyter-server';

const NETRC = 'machine example.org login ada password s3cr3t-c0ntent-of-netrc';

function notebook(cells: Array<[string, string]>): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'retrace-audit', display_name: 'Python 3 (audit)', language: 'python' } },
    cells: cells.map(([id, source]) => ({ id, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
  });
}

/** A wheel for `retrace-tiny-stats` 1.2.3 (import name `tinystats`), built with the standard library's zipfile. */
const MAKE_WHEEL = `
import sys, zipfile, hashlib, base64
out = sys.argv[1]
files = {
  'tinystats/__init__.py': 'def mean(xs):\\n    xs = list(xs)\\n    return sum(xs) / len(xs)\\n',
  'retrace_tiny_stats-1.2.3.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: retrace-tiny-stats\\nVersion: 1.2.3\\n',
  'retrace_tiny_stats-1.2.3.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
  'retrace_tiny_stats-1.2.3.dist-info/top_level.txt': 'tinystats\\n',
}
def digest(text):
  return 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()
record = ''.join(f'{n},{digest(t)},{len(t.encode())}\\n' for n, t in files.items()) + 'retrace_tiny_stats-1.2.3.dist-info/RECORD,,\\n'
with zipfile.ZipFile(out, 'w') as z:
  for n, t in files.items(): z.writestr(n, t)
  z.writestr('retrace_tiny_stats-1.2.3.dist-info/RECORD', record)
`;

interface World {
  root: string;
  nbDir: string;
  home: string;
  retraceHome: string;
  venv: string;
  site: string;
  env: NodeJS.ProcessEnv;
}

async function makeWorld(): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'retrace-it-container-'));
  const nbDir = join(root, 'project');
  const home = join(root, 'home');
  // Outside /tmp: the repeat binds the host's /tmp, so a venv there would be put back
  // on the host before the run; under /var/tmp it comes from the container's view.
  const venv = join(mkdtempSync('/var/tmp/retrace-it-venv-'), 'venv');
  mkdirSync(nbDir);
  mkdirSync(home);
  writeFileSync(join(home, '.netrc'), NETRC + '\n', { mode: 0o600 });
  const wheel = join(root, 'retrace_tiny_stats-1.2.3-py3-none-any.whl');
  expect((await run(join(VENV_BIN, 'python'), ['-c', MAKE_WHEEL, wheel])).status).toBe(0);
  expect((await run(join(VENV_BIN, 'python'), ['-m', 'venv', venv], { timeoutMs: 120_000 })).status).toBe(0);
  const pip = await run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', wheel], { timeoutMs: 120_000 });
  expect(pip.status, pip.stderr).toBe(0);
  const site = (await run(join(venv, 'bin', 'python'), ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])).stdout.trim();
  writeFileSync(join(nbDir, 'helpers.py'), 'def scale(x):\n    return 10 * x\n');
  mkdirSync(join(nbDir, 'data'));
  writeFileSync(join(nbDir, 'data', 'values.csv'), '1\n2\n3\n4\n');
  return { root, nbDir, home, retraceHome: join(root, 'retrace-home'), venv, site, env: { HOME: home } };
}

function cells(site: string): Array<[string, string]> {
  return [
    ['imports', `import sys\nsys.path.insert(0, ${JSON.stringify(site)})\nimport tinystats, helpers\nprint(tinystats.__name__)`],
    ['data', "values = [int(v) for v in open('data/values.csv').read().split()]\nprint(helpers.scale(tinystats.mean(values)))"],
    ['netrc', "import os\ncredentials = open(os.path.expanduser('~/.netrc')).read()\nprint('netrc read:', len(credentials) > 0)"],
    ['shell', '!gzip -c data/values.csv | wc -c']
  ];
}

function rr(w: World, args: string[], timeoutMs = 300_000) {
  return run(join(VENV_BIN, 'retrace'), args, {
    cwd: w.nbDir,
    env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: w.retraceHome, ...w.env },
    timeoutMs
  });
}

const codeCells = (file: string) => JSON.parse(readFileSync(file, 'utf8')).cells.filter((c: any) => c.cell_type === 'code');

describe('notebook container', () => {
  let w: World;
  let archive: string;

  beforeAll(async () => {
    w = await makeWorld();
    writeFileSync(join(w.nbDir, 'nb.ipynb'), notebook(cells(w.site)));
    const audit = await rr(w, ['audit', 'nb.ipynb']);
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
    const pack = await rr(w, ['package', 'nb.ipynb']);
    expect(pack.status, pack.stderr).toBe(0);
    expect(pack.stdout).toMatch(/Packed \d+ files/);
    // the secret is named, with its rule, and nothing else is said about it
    expect(pack.stdout).toMatch(/\.netrc\s+\[secret\] login credentials/);
    archive = join(w.nbDir, 'nb.retrace.tar.gz');
  }, 600_000);

  afterAll(() => {
    if (w) rmSync(join(w.venv, '..'), { recursive: true, force: true });
  });

  it('holds each file byte-identical, as GNU tar lists and extracts it, and never the secret', async () => {
    const list = await run('tar', ['-tzf', archive]);
    expect(list.status).toBe(0);
    const members = list.stdout.split('\n');
    const inRoot = (p: string) => `root${p}`;
    for (const p of [join(w.site, 'tinystats', '__init__.py'), join(w.nbDir, 'helpers.py'), join(w.nbDir, 'data', 'values.csv'), '/usr/bin/gzip']) {
      expect(members, p).toContain(inRoot(p));
    }
    expect(members).toContain('manifest.json');
    expect(members.some(m => m.endsWith('.netrc'))).toBe(false);

    const out = join(w.root, 'extracted');
    mkdirSync(out);
    expect((await run('tar', ['-xzf', archive, '-C', out])).status).toBe(0);
    for (const p of [join(w.site, 'tinystats', '__init__.py'), join(w.nbDir, 'helpers.py'), join(w.nbDir, 'data', 'values.csv'), '/usr/bin/gzip']) {
      expect(readFileSync(join(out, 'root', p)).equals(readFileSync(p)), p).toBe(true);
    }
    // the secret's content is nowhere: not in any member, not in the manifest or records
    const grep = await run('grep', ['-rl', 's3cr3t-c0ntent-of-netrc', out]);
    expect(grep.stdout).toBe('');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.left_out).toContainEqual(expect.objectContaining({ path: join(w.home, '.netrc'), reason: 'secret' }));
  });

  it('reports the dependencies: the throwaway package, the Debian package of the program, the data file', async () => {
    for (const target of ['nb.ipynb', 'nb.retrace.tar.gz']) {
      const deps = await rr(w, ['deps', target, '--json']);
      expect(deps.status, deps.stderr).toBe(0);
      const report = JSON.parse(deps.stdout);
      expect(report.total.python).toContainEqual(expect.objectContaining({ name: 'retrace-tiny-stats', version: '1.2.3' }));
      expect(report.total.system.map((s: any) => s.name)).toContain('gzip');
      expect(report.total.data.read.map((d: any) => d.path)).toContain('data/values.csv');
    }
  });

  it('repeats on a machine without the venv, the module and the data: every cell reproduced', async () => {
    rmSync(w.venv, { recursive: true });
    rmSync(join(w.nbDir, 'helpers.py'));
    rmSync(join(w.nbDir, 'data'), { recursive: true });
    const audited = codeCells(join(w.nbDir, 'nb.ipynb'));
    const rep = await rr(w, ['repeat', 'nb.ipynb', '-o', 'repeated.ipynb']);
    expect(rep.status, rep.stdout + rep.stderr).toBe(0);
    expect(rep.stdout).toMatch(/4 of 4 cells reproduced/);
    const repeated = codeCells(join(w.nbDir, 'repeated.ipynb'));
    repeated.forEach((cell: any, i: number) => {
      expect(cell.metadata.retrace.verdict.status, cell.id).toBe('reproduced');
      expect(cell.metadata.retrace.verdict.outputs.same, cell.id).toBe(true);
      expect(cell.outputs).toEqual(audited[i].outputs);
      expect(validateCellMetadata(cell.metadata.retrace)).toEqual({ ok: true });
    });
    const nb = JSON.parse(readFileSync(join(w.nbDir, 'repeated.ipynb'), 'utf8'));
    expect(nb.metadata.retrace.repeat.summary).toEqual({ total: 4, reproduced: 4, changed: 0, diverged: 0, failed: 0 });
    expect(validateNotebookMetadata(nb.metadata.retrace)).toEqual({ ok: true });
  }, 600_000);

  it('runs two repeats of one archive at once without either disturbing the other', async () => {
    const [a, b] = await Promise.all([rr(w, ['repeat', 'nb.ipynb', '-o', 'concurrent-a.ipynb']), rr(w, ['repeat', 'nb.ipynb', '-o', 'concurrent-b.ipynb'])]);
    expect(a.status, a.stdout + a.stderr).toBe(0);
    expect(b.status, b.stdout + b.stderr).toBe(0);
    for (const f of ['concurrent-a.ipynb', 'concurrent-b.ipynb']) {
      expect(codeCells(join(w.nbDir, f)).map((c: any) => c.metadata.retrace.verdict.status)).toEqual(['reproduced', 'reproduced', 'reproduced', 'reproduced']);
    }
    // each run's view is gone with its kernel
    const views = join(w.retraceHome, 'containers', '.views');
    expect((existsSync(views) ? readdirSync(views) : []).filter(name => name.startsWith('view-'))).toEqual([]); // templates stay for the next run
  }, 600_000);

  it('says which cell was edited, and that the cells before it still reproduce', async () => {
    const nb = JSON.parse(readFileSync(join(w.nbDir, 'nb.ipynb'), 'utf8'));
    nb.cells[1].source = "values = [int(v) for v in open('data/values.csv').read().split()]\nprint(helpers.scale(tinystats.mean(values)) + 1)";
    writeFileSync(join(w.nbDir, 'edited.ipynb'), JSON.stringify(nb));
    const rep = await rr(w, ['repeat', 'edited.ipynb', '--container', 'nb.retrace.tar.gz', '-o', 'edited-out.ipynb']);
    const verdicts = codeCells(join(w.nbDir, 'edited-out.ipynb')).map((c: any) => c.metadata.retrace.verdict.status);
    expect(verdicts.slice(0, 2), rep.stdout).toEqual(['reproduced', 'changed']);
  }, 600_000);

  it('reports a host file the audit never saw: a fall-through when layered, a failure when strict', async () => {
    const outside = mkdtempSync('/var/tmp/retrace-it-outside-');
    try {
      writeFileSync(join(outside, 'extra.txt'), 'from the host\n');
      const nb = JSON.parse(readFileSync(join(w.nbDir, 'nb.ipynb'), 'utf8'));
      nb.cells[2].source = `print(open(${JSON.stringify(join(outside, 'extra.txt'))}).read())`;
      writeFileSync(join(w.nbDir, 'outside.ipynb'), JSON.stringify(nb));

      const layered = await rr(w, ['repeat', 'outside.ipynb', '--container', 'nb.retrace.tar.gz', '-o', 'layered.ipynb']);
      const cell = codeCells(join(w.nbDir, 'layered.ipynb'))[2];
      expect(cell.outputs[0].text, layered.stdout).toBe('from the host\n\n');
      expect(cell.metadata.retrace.verdict.fall_through).toContain(join(outside, 'extra.txt'));
      expect(layered.stdout).toContain(join(outside, 'extra.txt'));

      const strict = await rr(w, ['repeat', 'outside.ipynb', '--container', 'nb.retrace.tar.gz', '--strict', '-o', 'strict.ipynb']);
      expect(strict.status).toBe(1);
      const failed = codeCells(join(w.nbDir, 'strict.ipynb'))[2].metadata.retrace.verdict;
      expect(failed.status).toBe('failed');
      expect(failed.reason).toContain(`reads ${join(outside, 'extra.txt')}, which the container does not hold (strict mode`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  }, 600_000);

  it('refuses a tampered container, naming the member, before any kernel starts', async () => {
    const work = join(w.root, 'tampered');
    mkdirSync(work);
    expect((await run('tar', ['-xzf', archive, '-C', work])).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8'));
    const entry = manifest.entries.find((e: any) => e.path === join(w.nbDir, 'helpers.py'));
    const blob = `blobs/sha256/${entry.hash.slice(7, 9)}/${entry.hash.slice(9)}`;
    rmSync(join(work, blob));
    writeFileSync(join(work, blob), 'def scale(x):\n    return 11 * x\n');
    rmSync(join(work, 'root'), { recursive: true });
    // GNU tar, members in the format's order
    const tampered = join(w.nbDir, 'tampered.tar.gz');
    expect((await run('tar', ['-czf', tampered, '-C', work, 'manifest.json', 'notebook.ipynb', 'deps.json', 'provenance', 'blobs'])).status).toBe(0);
    const rep = await rr(w, ['repeat', 'nb.ipynb', '--container', 'tampered.tar.gz', '-o', 'never.ipynb']);
    expect(rep.status).toBe(2);
    expect(rep.stderr).toContain(blob);
    expect(rep.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(existsSync(join(w.nbDir, 'never.ipynb'))).toBe(false);
  }, 600_000);

  it('refuses to package a notebook that was never audited', async () => {
    writeFileSync(join(w.nbDir, 'plain.ipynb'), notebook([['a', 'print(1)']]));
    const pack = await rr(w, ['package', 'plain.ipynb']);
    expect(pack.status).toBe(2);
    expect(pack.stderr).toContain('plain.ipynb was never audited');
    expect(existsSync(join(w.nbDir, 'plain.retrace.tar.gz'))).toBe(false);
  });
});

describe('awkward files', () => {
  it('reports files over the size limit (by hash), deleted since the audit, and overwritten after they were read', async () => {
    const root = mkdtempSync(join(tmpdir(), 'retrace-it-awkward-'));
    const w = { nbDir: root, retraceHome: join(root, '.retrace-home'), env: {} } as unknown as World;
    writeFileSync(join(root, 'a.txt'), 'first version\n');
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(64 * 1024, 7));
    writeFileSync(join(root, 'gone.txt'), 'soon gone\n');
    writeFileSync(
      join(root, 'nb.ipynb'),
      notebook([
        // The pause lets the audit hash what was read before the next cell changes it,
        // as it has time to between cells run by hand (a change within 100 ms is flagged instead).
        [
          'read',
          "import time\na = open('a.txt').read()\nb = open('big.bin', 'rb').read()\ng = open('gone.txt').read()\nprint(len(a), len(b), len(g))\ntime.sleep(1)"
        ],
        ['overwrite', "import os\nopen('a.txt', 'w').write('second version\\n')\nos.remove('gone.txt')"]
      ])
    );
    const audit = await rr(w, ['audit', 'nb.ipynb']);
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
    const pack = await rr(w, ['package', 'nb.ipynb', '--max-file-size', '16K']);
    expect(pack.status, pack.stderr).toBe(0);
    expect(pack.stdout).toMatch(new RegExp(`${join(root, 'a.txt')}\\s+\\[changed since read\\] changed since cell 1 read it`));
    expect(pack.stdout).toMatch(new RegExp(`${join(root, 'big.bin')}\\s+\\[too large, hash only\\] 64\\.0 KiB, over the size limit of 16\\.0 KiB`));
    expect(pack.stdout).toMatch(new RegExp(`${join(root, 'gone.txt')}\\s+\\[missing\\] gone since the audit`));
    const manifest = JSON.parse((await run('tar', ['-xzOf', join(root, 'nb.retrace.tar.gz'), 'manifest.json'])).stdout);
    const big = manifest.left_out.find((l: any) => l.path === join(root, 'big.bin'));
    expect(big).toMatchObject({ reason: 'too-large', size: 65536, hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    const members = (await run('tar', ['-tzf', join(root, 'nb.retrace.tar.gz')])).stdout.split('\n');
    expect(members).not.toContain(`root${join(root, 'a.txt')}`);
    expect(members).not.toContain(`root${join(root, 'big.bin')}`);
  }, 600_000);
});
