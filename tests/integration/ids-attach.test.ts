/**
 * Notebooks from elsewhere, end to end with real kernels, strace and bubblewrap:
 * - an nbformat 4.4 notebook without cell ids is audited (ids written as nbformat
 *   4.5 would), packaged and repeated with every cell reproduced; after a data file
 *   the container left out changes, the strict repeat says that cell diverged and
 *   exits 1;
 * - a notebook executed by `jupyter nbconvert --execute` on the audit kernel is
 *   attached to its session, packaged and repeated;
 * - notebooks are written with the mode a new file gets, or the one they had.
 */
import { chmodSync, cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCellMetadata, validateNotebookMetadata } from '../../core/metadata/validate';
import { retrace, run, VENV_BIN } from './jupyter-server';

/** nbformat 4.4, as most notebooks in the wild: no cell ids. */
function oldNotebook(cells: Array<['code' | 'markdown', string]>): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map(([type, source]) =>
      type === 'code' ? { cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null } : { cell_type: 'markdown', source, metadata: {} }
    )
  });
}

const readNb = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const codeCells = (file: string) => readNb(file).cells.filter((c: any) => c.cell_type === 'code');
const verdicts = (file: string) => codeCells(file).map((c: any) => c.metadata.retrace?.verdict?.status);
const mode = (file: string) => statSync(file).mode & 0o777;

async function nbformatValid(file: string): Promise<void> {
  const check = await run(join(VENV_BIN, 'python'), ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4))', file]);
  expect(check.status, check.stderr).toBe(0);
}

let umask: number;
beforeAll(() => {
  umask = process.umask(0o022); // the commands inherit it
});
afterAll(() => void process.umask(umask));

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'retrace-it-elsewhere-'));
  return { dir, home: join(dir, '.retrace-home') };
}

describe('an nbformat 4.4 notebook without cell ids', () => {
  const { dir, home } = workspace();
  const rr = (args: string[]) => retrace(args, dir, home, 400_000);
  const big = (fill: number) => Buffer.alloc(64 * 1024, fill);

  it('is audited with ids written in, packaged, and repeated with every cell reproduced', async () => {
    writeFileSync(join(dir, 'small.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'big.dat'), big(7));
    const source = oldNotebook([
      ['markdown', '# Old notebook'],
      ['code', "rows = open('small.csv').read().splitlines()\nprint(len(rows))"],
      ['code', "data = open('big.dat', 'rb').read()\nprint(len(data), sum(data) % 251)"],
      ['markdown', 'The end.'],
      ['code', "print('rows', rows[-1])"]
    ]);
    writeFileSync(join(dir, 'nb.ipynb'), source);

    const audit = await rr(['audit', 'nb.ipynb', '-o', 'audited.ipynb']);
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
    expect(audit.stdout).toContain('gave 5 cells ids (nbformat 4.5); the notebook was nbformat 4.4');
    expect(readFileSync(join(dir, 'nb.ipynb'), 'utf8')).toBe(source); // -o leaves the input alone
    const file = join(dir, 'audited.ipynb');
    const nb = readNb(file);
    expect(nb.nbformat_minor).toBe(5);
    const ids = nb.cells.map((c: any) => c.id);
    expect(ids.every((id: string) => /^[0-9a-f]{8}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(5);
    await nbformatValid(file);
    expect(mode(file)).toBe(0o644);
    // the records carry the ids the audit sent
    const cells = codeCells(file);
    for (const cell of cells) expect(validateCellMetadata(cell.metadata.retrace)).toEqual({ ok: true });
    const session = nb.metadata.retrace.audit.session;
    const records = cells.map((c: any) => readNb(join(home, 'sessions', session, 'cells', `${c.metadata.retrace.log.seq}.json`)));
    expect(records.map((r: any) => r.cellId)).toEqual(cells.map((c: any) => c.id));

    // big.dat stays out of the container (over the size limit): a repeat reads the host's
    const pack = await rr(['package', 'audited.ipynb', '--max-file-size', '32K']);
    expect(pack.status, pack.stderr).toBe(0);
    expect(pack.stdout).toMatch(/big\.dat\s+\[too large, hash only\]/);

    const rep = await rr(['repeat', 'audited.ipynb', '--strict', '-o', 'repeated.ipynb']);
    expect(rep.status, rep.stdout + rep.stderr).toBe(0);
    expect(rep.stdout).toContain('3 of 3 cells reproduced');
    expect(verdicts(join(dir, 'repeated.ipynb'))).toEqual(['reproduced', 'reproduced', 'reproduced']);
    expect(mode(join(dir, 'repeated.ipynb'))).toBe(0o644);
  }, 900_000);

  it('says the cell reading a changed data file diverged, and a strict repeat exits 1', async () => {
    writeFileSync(join(dir, 'big.dat'), big(8));
    // an existing output keeps its mode
    writeFileSync(join(dir, 'changed.ipynb'), '{}');
    chmodSync(join(dir, 'changed.ipynb'), 0o640);
    const rep = await rr(['repeat', 'audited.ipynb', '--strict', '-o', 'changed.ipynb']);
    expect(rep.status, rep.stdout + rep.stderr).toBe(1);
    const file = join(dir, 'changed.ipynb');
    expect(verdicts(file)).toEqual(['reproduced', 'diverged', 'diverged']);
    const [, second, third] = codeCells(file);
    expect(second.metadata.retrace.verdict.reason).toBe('reads big.dat with different content');
    expect(third.metadata.retrace.verdict.reason).toMatch(/an earlier cell diverged/);
    expect(mode(file)).toBe(0o640);
  }, 600_000);
});

describe('a notebook executed by jupyter nbconvert on the audit kernel', () => {
  const { dir, home } = workspace();
  const rr = (args: string[]) => retrace(args, dir, home, 400_000);
  const env = { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: home };

  beforeAll(async () => {
    writeFileSync(join(dir, 'input.txt'), 'three little words\n');
    writeFileSync(
      join(dir, 'nb.ipynb'),
      oldNotebook([
        ['code', "words = open('input.txt').read().split()\nprint(words)"],
        ['markdown', 'Count them:'],
        ['code', "import subprocess\nprint(subprocess.run(['wc', '-w', 'input.txt'], capture_output=True, text=True).stdout)"],
        ['code', 'len(words)']
      ])
    );
    const nbconvert = await run(
      join(VENV_BIN, 'jupyter'),
      ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=retrace-audit', 'nb.ipynb', '--output', 'executed.ipynb'],
      { cwd: dir, env, timeoutMs: 300_000 }
    );
    expect(nbconvert.status, nbconvert.stderr).toBe(0);
  }, 400_000);

  it('is refused by package, which offers attach', async () => {
    const pack = await rr(['package', 'executed.ipynb']);
    expect(pack.status).toBe(2);
    expect(pack.stderr).toContain('executed.ipynb was never audited');
    expect(pack.stderr).toContain('run: retrace attach executed.ipynb');
  });

  it('is not attached to a session once a cell was edited, and the error lists the session', async () => {
    const nb = readNb(join(dir, 'executed.ipynb'));
    nb.cells[2].source = "print('edited after it ran')";
    writeFileSync(join(dir, 'edited.ipynb'), JSON.stringify(nb));
    const attach = await rr(['attach', 'edited.ipynb']);
    expect(attach.status).toBe(2);
    expect(attach.stderr).toContain('edited.ipynb: no audit session in');
    expect(attach.stderr).toMatch(/\n {2}\S+ {2}audit, started .*code cell 2: execution \[2\] ran other code/);
    expect(readNb(join(dir, 'edited.ipynb')).metadata.retrace).toBeUndefined();

    const unknown = await rr(['attach', 'executed.ipynb', '--session', 'no-such-session']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/executed\.ipynb: there is no session no-such-session in .*\nSessions in the store, newest first:\n {2}\S+ {2}audit/);
  });

  it('is attached, packaged and repeated with every cell reproduced', async () => {
    cpSync(join(dir, 'executed.ipynb'), join(dir, 'before-attach.ipynb'));
    const attach = await rr(['attach', 'executed.ipynb']);
    expect(attach.status, attach.stderr).toBe(0);
    expect(attach.stdout).toMatch(/ran 3 of the 3 code cells of executed\.ipynb \(matched by cell id: 0, by execution count: 3\)/);
    const file = join(dir, 'executed.ipynb');
    const nb = readNb(file);
    expect(validateNotebookMetadata(nb.metadata.retrace)).toEqual({ ok: true });
    expect(nb.metadata.retrace.audit.kernel).toBe('retrace-audit');
    expect(nb.nbformat_minor).toBe(5);
    await nbformatValid(file);
    expect(mode(file)).toBe(0o644);
    const cells = codeCells(file);
    for (const cell of cells) expect(validateCellMetadata(cell.metadata.retrace)).toEqual({ ok: true });
    expect(cells[0].metadata.retrace.files.read.map((f: any) => f.path)).toEqual(['input.txt']);
    expect(cells[1].metadata.retrace.programs).toContain('/usr/bin/wc');
    expect(cells.map((c: any) => c.metadata.retrace.execution_count)).toEqual([1, 2, 3]);
    // outputs and sources are the client's, untouched
    const before = readNb(join(dir, 'before-attach.ipynb')).cells;
    nb.cells.forEach((c: any, i: number) => {
      expect(c.source).toEqual(before[i].source);
      if (c.cell_type === 'code') expect(c.outputs).toEqual(before[i].outputs);
    });

    const pack = await rr(['package', 'executed.ipynb']);
    expect(pack.status, pack.stderr).toBe(0);
    const rep = await rr(['repeat', 'executed.ipynb', '-o', 'repeated.ipynb']);
    expect(rep.status, rep.stdout + rep.stderr).toBe(0);
    expect(verdicts(join(dir, 'repeated.ipynb'))).toEqual(['reproduced', 'reproduced', 'reproduced']);
    for (const c of codeCells(join(dir, 'repeated.ipynb'))) expect(c.metadata.retrace.verdict.outputs.same, c.id).toBe(true);
  }, 900_000);
});
