/**
 * The name of a notebook's container when nothing else names it, as `retrace package`
 * and the Package button write it beside the notebook and a repeat kernel looks for
 * it: `<stem>.retrace.tar.gz`, the stem being the notebook's file name less `.ipynb`.
 */
export const CONTAINER_SUFFIX = '.retrace.tar.gz';

/** `analysis.ipynb` → `analysis.retrace.tar.gz` (give the notebook's file name, not its folder). */
export function containerFileName(notebookFileName: string): string {
  return notebookFileName.replace(/\.ipynb$/, '') + CONTAINER_SUFFIX;
}
