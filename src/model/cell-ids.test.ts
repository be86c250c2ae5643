// The shared notebook model JupyterLab 4 saves from (NotebookModel.toJSON is its toJSON).
import { YNotebook } from '@jupyter/ydoc';
import { describe, expect, it } from 'vitest';
import { keepCellIds } from './cell-ids';

/** An nbformat 4.4 notebook, as most in the wild: no cell ids. */
const OLD = {
  nbformat: 4,
  nbformat_minor: 4,
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
  cells: [
    { cell_type: 'markdown', source: '# hi', metadata: {} },
    { cell_type: 'code', source: 'x = 1', metadata: {}, outputs: [], execution_count: null }
  ]
};

function opened(doc: unknown): YNotebook {
  const nb = YNotebook.create({});
  nb.fromJSON(structuredClone(doc) as any);
  return nb;
}

describe('keepCellIds, with the notebook model JupyterLab saves from', () => {
  it('JupyterLab alone saves a 4.4 notebook without the ids its cells ran with', () => {
    const nb = opened(OLD);
    expect(nb.cells[1].id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/); // what an execution sends
    const saved = nb.toJSON() as any;
    expect(saved.nbformat_minor).toBe(4);
    expect(saved.cells.map((c: any) => c.id)).toEqual([undefined, undefined]);
  });

  it('raises it to 4.5 so the ids the executions carried are saved', () => {
    const nb = opened(OLD);
    const inMemory = nb.cells.map(c => c.id);
    expect(keepCellIds(nb)).toBe(true);
    const saved = nb.toJSON() as any;
    expect(saved.nbformat_minor).toBe(5);
    expect(saved.cells.map((c: any) => c.id)).toEqual(inMemory);
    expect(keepCellIds(nb)).toBe(false); // once
  });

  it('leaves a 4.5 notebook as it is', () => {
    const nb = opened({ ...OLD, nbformat_minor: 5, cells: [{ ...OLD.cells[1], id: 'kept' }] });
    expect(keepCellIds(nb)).toBe(false);
    expect((nb.toJSON() as any).cells[0].id).toBe('kept');
  });
});
