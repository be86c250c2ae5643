/**
 * `retrace diff` and cell matching without ids, end to end with real kernels: an
 * nbformat 4.4 notebook (no cell ids) audited twice with different data, packaged,
 * repeated (layered and --strict), and the runs compared.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrace } from './jupyter-server';

function notebook44(sources: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'retrace-audit', display_name: 'Python 3 (audit)', language: 'python' } },
    cells: [
      { cell_type: 'markdown', source: '# Totals', metadata: {} },
      ...sources.map(source => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
    ]
  });
}

const CELLS = ['import json\nprint("start")', "rows = open('data/values.csv').read().split()\nprint(sum(int(r) for r in rows))", 'print(len(rows))'];
// Unseeded randomness written by one cell and read by the next: the reader's lineage must move on every run.
const RANDOM = ["import os\nopen('noise.bin', 'wb').write(os.urandom(16))", "print(len(open('noise.bin', 'rb').read()))"];

const stripIds = (file: string) => {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  nb.nbformat_minor = 4;
  for (const c of nb.cells) delete c.id;
  writeFileSync(file, JSON.stringify(nb));
};

describe('retrace diff and repeats of notebooks without cell ids', () => {
  let dir: string;
  let home: string;
  const rt = (args: string[]) => retrace(args, dir, home, 400_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'retrace-it-diff-'));
    home = join(dir, '.retrace-home');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'values.csv'), '1\n2\n3\n');
    writeFileSync(join(dir, 'nb.ipynb'), notebook44(CELLS));
    const first = await rt(['audit', 'nb.ipynb', '-o', 'first.ipynb']);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    writeFileSync(join(dir, 'data', 'values.csv'), '1\n2\n3\n4\n');
    const second = await rt(['audit', 'nb.ipynb', '-o', 'second.ipynb']);
    expect(second.status, second.stdout + second.stderr).toBe(0);
    // ids lost (or never there): the fallback matching must do
    stripIds(join(dir, 'first.ipynb'));
    stripIds(join(dir, 'second.ipynb'));
  }, 900_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two audits with different data: names the data file and both hashes for the first cell that read it, exit 1', async () => {
    const hashes = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')).cells[2].metadata.retrace.files.read[0].sha256;
    const [a, b] = [hashes('first.ipynb'), hashes('second.ipynb')];
    expect(a).not.toBe(b);
    const d = await rt(['diff', 'first.ipynb', 'second.ipynb']);
    expect(d.status, d.stdout + d.stderr).toBe(1);
    expect(d.stdout).toContain('cell 1: same');
    expect(d.stdout).toContain('cell 2: lineage differs');
    expect(d.stdout).toContain(`reads data/values.csv with different content: ${a} in A, ${b} in B`);
    expect(d.stdout).toContain('1 of 3 code cells are the same.');
    const json = JSON.parse((await rt(['diff', '--json', 'first.ipynb', 'second.ipynb'])).stdout);
    expect(json.cells[1]).toMatchObject({ status: 'lineage differs', matchedBy: 'code', differences: { reads: [{ path: 'data/values.csv', a, b }] } });
    expect(json.cells[1].a.record).toMatch(/cells\/2\.json$/);
  }, 300_000);

  it('an id-less audit repeats with its cells matched (reproduced), and diff says every cell is the same', async () => {
    writeFileSync(join(dir, 'data', 'values.csv'), '1\n2\n3\n');
    const pack = await rt(['package', 'first.ipynb']);
    expect(pack.status, pack.stdout + pack.stderr).toBe(0);
    const rep = await rt(['repeat', 'first.ipynb', '--strict', '-o', 'repeated.ipynb']);
    expect(rep.status, rep.stdout + rep.stderr).toBe(0);
    expect(rep.stdout).toContain('3 of 3 cells reproduced');
    const d = await rt(['diff', 'first.ipynb', 'repeated.ipynb']);
    expect(d.status, d.stdout + d.stderr).toBe(0);
    expect(d.stdout).toContain('Every code cell is the same (3).');
  }, 600_000);

  it('an id-less notebook with a diverging cell exits 1 under --strict', async () => {
    writeFileSync(join(dir, 'noisy.ipynb'), notebook44([...CELLS, ...RANDOM]));
    const audit = await rt(['audit', 'noisy.ipynb']);
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
    stripIds(join(dir, 'noisy.ipynb'));
    expect((await rt(['package', 'noisy.ipynb'])).status).toBe(0);
    const rep = await rt(['repeat', 'noisy.ipynb', '--strict', '-o', 'noisy-out.ipynb']);
    expect(rep.status, rep.stdout + rep.stderr).toBe(1);
    const verdicts = JSON.parse(readFileSync(join(dir, 'noisy-out.ipynb'), 'utf8'))
      .cells.filter((c: any) => c.cell_type === 'code')
      .map((c: any) => c.metadata.retrace.verdict.status);
    expect(verdicts.slice(0, 3)).toEqual(['reproduced', 'reproduced', 'reproduced']);
    expect(verdicts[4]).toBe('diverged');
    expect(rep.stdout).toContain('reads noise.bin with different content');
  }, 900_000);
});
