/**
 * `retrace audit` end to end with real kernels under real strace: metadata written
 * into the notebook, lineage that holds FLINC's two properties, bad input, a kernel
 * killed mid-cell, and a cell that opens 200,000 files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCellMetadata, validateNotebookMetadata } from '../../core/metadata/validate';
import { startCpuHogs } from './cpu-hogs';
import { retrace, run, VENV_BIN } from './jupyter-server';

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((source, i) => ({ id: `cell-${i + 1}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
  });
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'retrace-it-audit-'));
  return { dir, home: join(dir, '.retrace-home') };
}

function audit(dir: string, home: string, args: string[]) {
  return retrace(['audit', ...args], dir, home, 240_000);
}

const cellsOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')).cells.filter((c: any) => c.cell_type === 'code');
const lineages = (file: string) => cellsOf(file).map((c: any) => c.metadata.retrace?.lineage);

const THREE_CELLS = [
  "a = open('a.csv').read()\nprint(a)",
  "b = open('data/b.csv').read()\nopen('out.txt', 'w').write(a + b)",
  "import subprocess\nprint(subprocess.run(['wc', '-c', 'out.txt'], capture_output=True, text=True).stdout)"
];

describe('retrace audit', () => {
  it('writes outputs and valid retrace metadata, and lineage obeys Definition 1', async () => {
    const { dir, home } = workspace();
    writeFileSync(join(dir, 'a.csv'), 'x,1\n');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'b.csv'), 'y,2\n');
    writeFileSync(join(dir, 'nb.ipynb'), notebook(THREE_CELLS));

    const first = await audit(dir, home, ['nb.ipynb', '-o', 'run1.ipynb']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\[1\/3\] cell-1 ok/);
    expect(first.stdout).toMatch(/\[3\/3\] cell-3 ok/);

    const cells = cellsOf(join(dir, 'run1.ipynb'));
    expect(cells[0].outputs[0].text).toBe('x,1\n\n');
    for (const cell of cells) expect(validateCellMetadata(cell.metadata.retrace)).toEqual({ ok: true });
    const nb = JSON.parse(readFileSync(join(dir, 'run1.ipynb'), 'utf8'));
    expect(validateNotebookMetadata(nb.metadata.retrace)).toEqual({ ok: true });
    // what each cell read, wrote and ran, relative to the notebook
    expect(cells[0].metadata.retrace.files.read.map((f: any) => f.path)).toEqual(['a.csv']);
    expect(cells[1].metadata.retrace.files.read.map((f: any) => f.path)).toEqual(['data/b.csv']);
    expect(cells[1].metadata.retrace.files.written.map((f: any) => f.path)).toEqual(['out.txt']);
    expect(cells[2].metadata.retrace.programs).toContain('/usr/bin/wc');
    // the notebook is still valid nbformat 4
    const check = await run(join(VENV_BIN, 'python'), ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4))', join(dir, 'run1.ipynb')]);
    expect(check.status, check.stderr).toBe(0);

    // Same notebook, same inputs: the same lineage for every cell.
    expect((await audit(dir, home, ['nb.ipynb', '-o', 'run2.ipynb'])).status).toBe(0);
    expect(lineages(join(dir, 'run2.ipynb'))).toEqual(lineages(join(dir, 'run1.ipynb')));

    // Change a file cell 2 reads: lineage changes from cell 2 on, and not before.
    writeFileSync(join(dir, 'data', 'b.csv'), 'y,3\n');
    expect((await audit(dir, home, ['nb.ipynb', '-o', 'run3.ipynb'])).status).toBe(0);
    const [l1, l2, l3] = lineages(join(dir, 'run1.ipynb'));
    const [m1, m2, m3] = lineages(join(dir, 'run3.ipynb'));
    expect(m1).toBe(l1);
    expect(m2).not.toBe(l2);
    expect(m3).not.toBe(l3);
  }, 300_000);

  it('hashes a file as it was read, before the cell overwrote it', async () => {
    const { dir, home } = workspace();
    writeFileSync(join(dir, 'state.txt'), 'before');
    writeFileSync(join(dir, 'nb.ipynb'), notebook(["import time\nold = open('state.txt').read()\ntime.sleep(1)\nopen('state.txt', 'w').write('after')"]));
    expect((await audit(dir, home, ['nb.ipynb'])).status).toBe(0);
    const [cell] = cellsOf(join(dir, 'nb.ipynb'));
    const read = cell.metadata.retrace.files.read[0];
    const written = cell.metadata.retrace.files.written[0];
    const sha = (text: string) => 'sha256:' + createHash('sha256').update(text).digest('hex');
    expect(read).toMatchObject({ path: 'state.txt', sha256: sha('before'), size: 6 });
    expect(written).toMatchObject({ path: 'state.txt', sha256: sha('after'), size: 5 });
  });

  it('stops at a failing cell, keeps what ran, and names the cell', async () => {
    const { dir, home } = workspace();
    writeFileSync(join(dir, 'nb.ipynb'), notebook(['x = 1', "raise ValueError('bad input')", 'y = 2']));
    const r = await audit(dir, home, ['nb.ipynb', '-o', 'out.ipynb']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cell 2 (cell-2) failed: ValueError: bad input');
    const cells = cellsOf(join(dir, 'out.ipynb'));
    expect(cells[0].metadata.retrace.status).toBe('complete');
    expect(cells[1].metadata.retrace.status).toBe('error');
    expect(cells[1].outputs[0].ename).toBe('ValueError');
    expect(cells[2].metadata.retrace).toBeUndefined();
  });

  it('keeps earlier cells and marks the cell incomplete when the kernel is killed in it', async () => {
    const { dir, home } = workspace();
    writeFileSync(
      join(dir, 'nb.ipynb'),
      notebook(["open('first.txt', 'w').write('1')", "import os, signal\nopen('first.txt').read()\nos.kill(os.getpid(), signal.SIGKILL)", 'z = 3'])
    );
    const r = await audit(dir, home, ['nb.ipynb', '-o', 'out.ipynb']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cell 2 \(cell-2\) failed: the kernel died/);
    const cells = cellsOf(join(dir, 'out.ipynb'));
    expect(cells[0].metadata.retrace).toMatchObject({ status: 'complete' });
    expect(cells[0].metadata.retrace.files.written[0].path).toBe('first.txt');
    expect(cells[1].metadata.retrace).toMatchObject({ status: 'incomplete' });
    expect(cells[1].metadata.retrace.files.read[0].path).toBe('first.txt');
  });

  it('refuses bad input with the file and the problem, touching nothing', async () => {
    const { dir, home } = workspace();
    writeFileSync(join(dir, 'broken.ipynb'), '{"cells": [');
    let r = await audit(dir, home, ['broken.ipynb']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('broken.ipynb: not a notebook: the file is not valid JSON');
    expect(readFileSync(join(dir, 'broken.ipynb'), 'utf8')).toBe('{"cells": [');
    writeFileSync(join(dir, 'old.ipynb'), JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] }));
    r = await audit(dir, home, ['old.ipynb']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('old.ipynb: retrace needs an nbformat 4 notebook');
    r = await audit(dir, home, ['missing.ipynb']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('missing.ipynb: no such file');
  });

  it('follows a cell that opens 200,000 files in bounded memory, and records it although the CPUs are saturated', async () => {
    const { dir, home } = workspace();
    const make = "import os\nos.makedirs('many', exist_ok=True)\nfor i in range(20000):\n    open(f'many/{i}.txt', 'w').write(str(i))";
    const read = 'n = 0\nfor r in range(10):\n    for i in range(20000):\n        with open(f"many/{i}.txt") as f:\n            n += len(f.read())\nprint(n)';
    writeFileSync(join(dir, 'nb.ipynb'), notebook([make, read]));
    // The last cell's trace is analysed after the kernel exits: on a busy machine that
    // outlasts Jupyter's 5 s before it kills a kernel's process (the launcher).
    const hogs = startCpuHogs(240);
    let r: Awaited<ReturnType<typeof audit>>;
    try {
      r = await audit(dir, home, ['nb.ipynb']);
    } finally {
      hogs.stop();
    }
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const [, cell] = cellsOf(join(dir, 'nb.ipynb'));
    expect(cell.metadata.retrace.files.read).toHaveLength(20000);
    expect(cell.metadata.retrace.files.read.every((f: any) => f.sha256)).toBe(true);
    const [session] = readdirSync(join(home, 'sessions'));
    const meta = JSON.parse(readFileSync(join(home, 'sessions', session, 'session.json'), 'utf8'));
    const logLines = readFileSync(join(home, 'sessions', session, 'trace.log'), 'utf8').split('\n').length;
    expect(logLines).toBeGreaterThan(200_000);
    // The launcher read the whole log as it grew, in 1 MiB pieces: its peak memory
    // stays far below what holding the log (or its events) would take.
    expect(meta.launcherMaxRssKb).toBeLessThan(400 * 1024);
  }, 300_000);
});
