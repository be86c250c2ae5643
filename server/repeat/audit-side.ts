/**
 * The audit side of a repeated cell, as the judge (core/repeat/verdict.ts) takes it:
 * the audited cell's `retrace` metadata and outputs from the container's notebook, and
 * its cell record from the container's provenance. `retrace repeat` and the companion's
 * verdict service both load it here, so they judge a cell against the same audit.
 */
import { readFileSync } from 'node:fs';
import { METADATA_KEY, type RetraceCellMetadata } from '../../core/contract/metadata';
import type { Output } from '../../core/contract/output';
import type { CellRecord } from '../../core/contract/records';
import type { NotebookCell } from '../../core/notebook/parse';
import type { AuditSide } from '../../core/repeat/verdict';
import { cellRecordPath } from '../container/unpacked-layout';

/** `cell`: the audited cell the repeated one was matched to; undefined for a cell the audit never saw. */
export function loadAuditSide(container: { provenanceDir: string }, cell: NotebookCell | undefined): AuditSide {
  const metadata = cell?.metadata?.[METADATA_KEY] as RetraceCellMetadata | undefined;
  return { metadata, record: auditRecord(container.provenanceDir, metadata), outputs: (cell?.outputs ?? []) as Output[] };
}

/**
 * The record of the audited execution, when the container holds it (an archive from
 * an audit without provenance does not). Only event-level differences need it, so an
 * unreadable one is judged without, as a missing one is.
 */
function auditRecord(provenanceDir: string, meta: RetraceCellMetadata | undefined): CellRecord | undefined {
  if (!meta?.log) return undefined;
  try {
    return JSON.parse(readFileSync(cellRecordPath(provenanceDir, meta.log.seq), 'utf8')) as CellRecord;
  } catch {
    return undefined;
  }
}
