/**
 * What a repeat says about one cell, compared with its audit (FLINC IV-B):
 *  - reproduced: same code and same lineage;
 *  - changed: the code was edited since the audit (or the cell is new);
 *  - diverged: same code, different lineage, with the first difference found
 *    (a file read with other content, a file read or not, an event) in one line;
 *  - failed: the repeat raised (or its kernel died) where the audit did not.
 * Outputs are compared too (text exactly, images by hash) and reported apart:
 * lineage is about state, and a cell can print the time and still reproduce.
 * Pure: every input is plain data.
 */
import { describeDifferences, firstDifference } from '../diff/describe';
import { diffExecutions, type Execution } from '../diff/execution-diff';
import { compareOutputs, type HashImage } from '../diff/outputs';
import type { CellVerdict } from '../contract/verdict';
import type { CellRecord } from '../contract/records';
import type { RepeatSummary, RetraceCellMetadata } from '../contract/metadata';
import type { RepeatMode } from '../contract/repeat-mode';
import type { Output } from '../contract/output';

export interface AuditSide {
  metadata?: RetraceCellMetadata;
  /** The audit's cell record (from the container's provenance), for event-level differences. */
  record?: CellRecord;
  outputs: Output[];
}

export interface RepeatSide {
  codeHash: string;
  /** Absent when no record was written (the kernel died before the cell ended). */
  record?: CellRecord;
  reply: 'ok' | 'error' | 'aborted' | 'dead';
  error?: { ename: string; evalue: string };
  outputs: Output[];
  mode: RepeatMode;
}

export function judgeCell(audit: AuditSide, repeat: RepeatSide, hashImage: HashImage): CellVerdict {
  const outputs = compareOutputs(audit.outputs, repeat.outputs, hashImage);
  const base = {
    outputs,
    fall_through: repeat.record?.fallThrough ?? [],
    ...(repeat.record ? { lineage: repeat.record.lineage, log: { session: repeat.record.session, seq: repeat.record.seq } } : {})
  };
  const edited = !audit.metadata || audit.metadata.code_hash !== repeat.codeHash;
  const editedWhy = !audit.metadata ? 'not in the audit: a new cell, or one run after the audit was saved' : 'the code was edited since the audit';
  const fell = base.fall_through.length ? `; from the host: ${base.fall_through.slice(0, 3).join(', ')}${base.fall_through.length > 3 ? ', …' : ''}` : '';
  const auditFailed = audit.metadata?.status === 'error' || audit.metadata?.status === 'incomplete';
  // Raising where the audit did not is the most useful thing to say, edited or not.
  if ((repeat.reply !== 'ok' || !repeat.record) && !auditFailed) {
    return { status: 'failed', reason: failureReason(repeat) + (edited ? ` (${editedWhy})` : ''), ...base };
  }
  if (edited) return { status: 'changed', reason: editedWhy + fell, ...base };
  if (repeat.record && repeat.record.lineage === audit.metadata!.lineage) {
    return { status: 'reproduced', reason: `same code, same lineage${fell}`, ...base };
  }
  const names = { a: 'the audit', b: 'the repeat' };
  const d = diffExecutions(auditExecution(audit), repeatExecution(repeat.record!, repeat), hashImage, names);
  const first = firstDifference(d, { a: audit.metadata!.lineage, b: repeat.record!.lineage }, names);
  // Outputs have their own field; the lines are what lineage is made of.
  const differences = describeDifferences({ ...d, outputs: { same: true, differences: [] } }, names);
  return { status: 'diverged', reason: first.line, first_difference: first.difference, differences, ...base };
}

/** The audit as the metadata has it, with the events and carried-in lineage of its record when the container holds it. */
function auditExecution(audit: AuditSide): Execution {
  const m = audit.metadata!;
  return {
    codeHash: m.code_hash,
    lineage: m.lineage,
    reads: m.files.read,
    writes: m.files.written,
    programs: m.programs,
    ...(audit.record ? { previousLineage: audit.record.previousLineage, events: audit.record.lineageEvents } : {}),
    outputs: audit.outputs
  };
}

function repeatExecution(record: CellRecord, repeat: RepeatSide): Execution {
  return {
    codeHash: repeat.codeHash,
    lineage: record.lineage,
    reads: record.reads,
    writes: record.writes,
    programs: record.programs,
    previousLineage: record.previousLineage,
    events: record.lineageEvents,
    outputs: repeat.outputs
  };
}

function failureReason(repeat: RepeatSide): string {
  const missing = repeat.record?.notFound ?? [];
  const what =
    repeat.reply === 'dead' || !repeat.record
      ? 'the kernel died during the cell'
      : repeat.error
        ? `${repeat.error.ename}: ${repeat.error.evalue}`
        : 'it raised';
  if (repeat.mode === 'strict' && missing.length) {
    return `${what}; it reads ${missing[0]}, which the container does not hold (strict mode: nothing falls through to the host)`;
  }
  return `${what} (the audit did not)`;
}

export function summarize(verdicts: CellVerdict[]): RepeatSummary {
  const s: RepeatSummary = { total: verdicts.length, reproduced: 0, changed: 0, diverged: 0, failed: 0 };
  for (const v of verdicts) s[v.status]++;
  return s;
}
