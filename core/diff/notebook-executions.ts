/**
 * What a notebook says about the last execution of each of its code cells, for
 * `retrace diff`: an audited notebook's cells carry their audit (metadata); a
 * repeated one's carry the audit and the repeat's verdict, whose lineage and record
 * are the repeat's, the execution whose outputs the notebook shows. The records these
 * point to are looked up by the caller (`pickRecord` says which one belongs).
 * Pure.
 */
import { METADATA_KEY, type RetraceCellMetadata, type RetraceNotebookMetadata } from '../contract/metadata';
import type { Notebook } from '../notebook/parse';
import type { Output } from '../contract/output';
import type { CellRecord } from '../contract/records';
import type { Execution } from './execution-diff';

export interface CellExecutionRef {
  /** Position among the notebook's code cells (0-based). */
  index: number;
  id?: string;
  /** H(source as it is in the notebook). */
  sourceHash: string;
  /** audit: the audit ran it; repeat: the last repeat did; none: no run of it is recorded. */
  kind: 'audit' | 'repeat' | 'none';
  codeHash: string;
  lineage?: string;
  /** Where its record is, and what identifies it. */
  log?: { session: string; seq: number; eventsDigest?: string };
  metadata?: RetraceCellMetadata;
  outputs: Output[];
}

export function executionRefs(nb: Notebook, sourceHashes: string[]): CellExecutionRef[] {
  const repeat = (nb.metadata[METADATA_KEY] as RetraceNotebookMetadata | undefined)?.repeat;
  return nb.cells
    .filter(c => c.cell_type === 'code')
    .map((cell, index) => {
      const meta = cell.metadata?.[METADATA_KEY] as RetraceCellMetadata | undefined;
      const base = { index, ...(cell.id ? { id: cell.id } : {}), sourceHash: sourceHashes[index], outputs: (cell.outputs ?? []) as Output[] };
      const verdict = meta?.verdict;
      if (meta && repeat && verdict?.log && verdict.log.session === repeat.session && verdict.lineage) {
        return {
          ...base,
          kind: 'repeat' as const,
          codeHash: sourceHashes[index],
          lineage: verdict.lineage,
          log: { session: verdict.log.session, seq: verdict.log.seq },
          metadata: meta
        };
      }
      if (meta) {
        return {
          ...base,
          kind: 'audit' as const,
          codeHash: meta.code_hash,
          lineage: meta.lineage,
          log: { session: meta.log.session, seq: meta.log.seq, eventsDigest: meta.log.events_sha256 },
          metadata: meta
        };
      }
      return { ...base, kind: 'none' as const, codeHash: sourceHashes[index] };
    });
}

/**
 * The record that belongs to this execution among those found (a restarted kernel
 * keeps its id, so `<id>` and `<id>.run-N` may each hold a record of the same seq):
 * the one with the lineage (and events digest) the notebook names. Never another.
 */
export function pickRecord(ref: CellExecutionRef, candidates: CellRecord[]): CellRecord | undefined {
  return candidates.find(
    r => r.seq === ref.log?.seq && r.lineage === ref.lineage && (ref.log.eventsDigest === undefined || r.eventsDigest === ref.log.eventsDigest)
  );
}

/** The execution as far as the notebook and (when found) its record tell it. */
export function executionOf(ref: CellExecutionRef, record: CellRecord | undefined): Execution {
  const fromRecord = record
    ? { reads: record.reads, writes: record.writes, programs: record.programs, previousLineage: record.previousLineage, events: record.lineageEvents }
    : {};
  // Without its record, an audit still has what its metadata lists; a repeat has only its lineage.
  const fromMetadata =
    ref.kind === 'audit' && ref.metadata ? { reads: ref.metadata.files.read, writes: ref.metadata.files.written, programs: ref.metadata.programs } : {};
  return { codeHash: ref.codeHash, ...(ref.lineage ? { lineage: ref.lineage } : {}), ...fromMetadata, ...fromRecord, outputs: ref.outputs };
}
