/** Read a notebook file's text with errors that name the file and the problem. */
import { InputError } from '../errors';

export interface NotebookCell {
  id?: string;
  cell_type: string;
  source: string | string[];
  metadata: Record<string, any>;
  outputs?: any[];
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, any>;
  cells: NotebookCell[];
}

export class NotebookError extends InputError {}

export function parseNotebook(text: string, file: string): Notebook {
  let nb: any;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new NotebookError(`${file}: not a notebook: the file is not valid JSON (${(e as Error).message})`);
  }
  if (!nb || typeof nb !== 'object' || Array.isArray(nb)) {
    throw new NotebookError(`${file}: not a notebook: expected a JSON object`);
  }
  if (nb.nbformat !== 4) {
    throw new NotebookError(
      `${file}: retrace needs an nbformat 4 notebook, this one says nbformat ${JSON.stringify(nb.nbformat)}` +
        (nb.nbformat === 3 ? ' (convert it with: jupyter nbconvert --to notebook --inplace)' : '')
    );
  }
  if (!Array.isArray(nb.cells)) throw new NotebookError(`${file}: not an nbformat 4 notebook: "cells" is missing`);
  nb.cells.forEach((cell: any, i: number) => {
    if (!cell || typeof cell.cell_type !== 'string' || (typeof cell.source !== 'string' && !Array.isArray(cell.source))) {
      throw new NotebookError(`${file}: cell ${i + 1} is malformed (needs cell_type and source)`);
    }
    cell.metadata ??= {};
  });
  nb.metadata ??= {};
  return nb as Notebook;
}
