/**
 * A notebook carrying retrace metadata stays a valid nbformat 4 notebook: the real
 * Python `nbformat.validate` accepts it, and our schema accepts its `metadata.retrace`.
 * The metadata comes from the examples in docs/metadata.md, so the page is checked too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METADATA_KEY } from '../../core/contract/metadata';
import { validateCellMetadata, validateNotebookMetadata } from '../../core/metadata/validate';
import { REPO, VENV_BIN } from './jupyter-server';

const PYTHON = join(VENV_BIN, 'python');
const VALIDATE = 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))';

/** The JSON blocks of docs/metadata.md that follow an `<!-- example: NAME -->` line. */
function docExample(name: string): any {
  const md = readFileSync(join(REPO, 'docs', 'metadata.md'), 'utf8');
  for (const m of md.matchAll(/<!-- example: ([\w-]+) -->\s*```json\n([\s\S]*?)\n```/g)) {
    if (m[1] === name) return JSON.parse(m[2]);
  }
  throw new Error(`docs/metadata.md has no example "${name}"`);
}

function notebook(): any {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'retrace-audit', display_name: 'Python 3 (retrace audit)', language: 'python' },
      language_info: { name: 'python' },
      [METADATA_KEY]: docExample('notebook-metadata')
    },
    cells: [
      { cell_type: 'markdown', id: 'a1b2c3d4', metadata: {}, source: ['# Iris summary'] },
      docExample('code-cell'),
      {
        cell_type: 'code',
        id: 'e5f6a7b8',
        execution_count: 4,
        metadata: { [METADATA_KEY]: docExample('cell-metadata') },
        outputs: [{ output_type: 'stream', name: 'stdout', text: ['done\n'] }],
        source: 'print("done")'
      }
    ]
  };
}

const dir = mkdtempSync(join(tmpdir(), 'retrace-it-nbformat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the real nbformat validator on the document: its exit status and stderr
 * (spawnSync rather than execFileSync, so warnings on success are seen too).
 */
function nbformatValidate(doc: unknown, name: string): { status: number | null; stderr: string } {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc, null, 1));
  const r = spawnSync(PYTHON, ['-c', VALIDATE, file], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stderr: r.stderr };
}

describe('a notebook with retrace metadata', () => {
  it('has notebook and cell metadata that pass the retrace schema', () => {
    const nb = notebook();
    expect(validateNotebookMetadata(nb.metadata.retrace)).toEqual({ ok: true });
    const audited = nb.cells.filter((c: any) => c.metadata.retrace);
    expect(audited).toHaveLength(2);
    for (const cell of audited) {
      expect(cell.cell_type).toBe('code');
      expect(validateCellMetadata(cell.metadata.retrace)).toEqual({ ok: true });
    }
  });

  it('is accepted by the real nbformat validator', () => {
    expect(nbformatValidate(notebook(), 'valid.ipynb')).toEqual({ status: 0, stderr: '' });
  });

  it('is still checked by that validator: a broken notebook is rejected', () => {
    const nb = notebook();
    delete nb.cells[1].outputs; // a code cell must have outputs
    const r = nbformatValidate(nb, 'broken.ipynb');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ValidationError/);
    expect(r.stderr).toMatch(/outputs/);
  });

  it('is rejected by nbformat when retrace metadata is put where nbformat allows no extra keys', () => {
    const nb = notebook();
    nb.cells[1].retrace = nb.cells[1].metadata.retrace; // on the cell itself, not in its metadata
    const r = nbformatValidate(nb, 'misplaced.ipynb');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ValidationError/);
  });
});
