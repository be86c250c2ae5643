import { describe, expect, it } from 'vitest';
import { NotebookError, parseNotebook } from './parse';

describe('parseNotebook', () => {
  it('reads an nbformat 4 notebook', () => {
    const nb = parseNotebook(
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 'x', metadata: {} }] }),
      'a.ipynb'
    );
    expect(nb.cells).toHaveLength(1);
  });

  it('names the file and the problem for bad input', () => {
    expect(() => parseNotebook('{oops', 'bad.ipynb')).toThrow(/^bad\.ipynb: not a notebook: the file is not valid JSON/);
    expect(() => parseNotebook('[]', 'arr.ipynb')).toThrow(NotebookError);
    expect(() => parseNotebook(JSON.stringify({ nbformat: 3, worksheets: [] }), 'old.ipynb')).toThrow(
      /old\.ipynb: retrace needs an nbformat 4 notebook, this one says nbformat 3 \(convert/
    );
    expect(() => parseNotebook(JSON.stringify({ nbformat: 4, metadata: {} }), 'n.ipynb')).toThrow(/"cells" is missing/);
    expect(() => parseNotebook(JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code' }] }), 'c.ipynb')).toThrow(/cell 1 is malformed/);
  });
});
