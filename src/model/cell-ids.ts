/**
 * JupyterLab keeps a notebook of nbformat 4.4 or older at its version, and when it
 * saves one it drops the cell ids it gave the cells in memory (new ones each time the
 * notebook is opened). An audit sends those ids with every execution and its records
 * carry them, and a repeat matches its cells with the audit's by id: so an audited
 * notebook is raised to nbformat 4.5, which keeps them, as `retrace audit` does.
 */

/** A notebook's version, as the shared notebook model holds it (its setter is YNotebook's). */
export interface NotebookVersion {
  readonly nbformat: number;
  nbformat_minor: number;
}

/** Raise a 4.x notebook to 4.5 so its cell ids are saved; true when it changed. */
export function keepCellIds(notebook: NotebookVersion): boolean {
  if (notebook.nbformat !== 4 || notebook.nbformat_minor >= 5) return false;
  notebook.nbformat_minor = 5;
  return true;
}
