/**
 * What `retrace repeat` writes into the notebook it ran: each audited cell's verdict,
 * and in the notebook the container it ran in and the run's summary. Through the same
 * writers as the JupyterLab repeat (core/metadata/repeat-metadata.ts), so both leave
 * the same schema-valid metadata and the audit's own fields as they were.
 */
import { METADATA_KEY, type RetraceNotebookMetadata } from '../../core/contract/metadata';
import type { RepeatMode } from '../../core/contract/repeat-mode';
import type { CellVerdict } from '../../core/contract/verdict';
import { isAuditedCell, withContainer, withRepeat, withVerdict, type RepeatRun } from '../../core/metadata/repeat-metadata';
import type { Notebook, NotebookCell } from '../../core/notebook/parse';

/** The run, with the archive as the written notebook names it (relative to it). */
export interface CliRepeatRun extends RepeatRun {
  container: { archive: string; sha256: string; mode: RepeatMode };
}

/** Writes the verdicts and the run into `nb` (in place). */
export function writeRepeatInto(nb: Notebook, verdicts: Array<{ cell: NotebookCell; verdict: CellVerdict }>, run: CliRepeatRun): void {
  // Verdicts join the audit's metadata: a cell the audit never saw has none to join.
  for (const { cell, verdict } of verdicts) {
    const own: unknown = cell.metadata[METADATA_KEY];
    if (isAuditedCell(own)) cell.metadata[METADATA_KEY] = withVerdict(own, verdict);
  }
  const current = nb.metadata[METADATA_KEY] as RetraceNotebookMetadata | undefined;
  if (!current?.audit) return;
  const next = withRepeat(withContainer(current, { archive: run.container.archive, mode: run.container.mode }), run);
  if (next) nb.metadata[METADATA_KEY] = next;
}
