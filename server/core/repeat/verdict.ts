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
import type { CellLineageEvents } from '../provenance/cell-provenance';
import type { CellRecord } from '../provenance/cell-record';
import type { FileRecord, RepeatSummary, RetraceCellMetadata } from '../metadata/types';
import type { Output } from '../notebook/outputs';

export type VerdictStatus = 'reproduced' | 'changed' | 'diverged' | 'failed';

export interface OutputComparison {
  same: boolean;
  /** One line per difference: `output 2 (image/png) differs`. */
  differences: string[];
}

export interface CellVerdict {
  status: VerdictStatus;
  /** One line, for tables and badges. */
  reason: string;
  /** The first difference found, when diverged. */
  first_difference?: { kind: 'file' | 'event' | 'earlier-cell' | 'lineage'; audit?: string; repeat?: string };
  outputs: OutputComparison;
  /** Files the repeat took from the host, not the container. */
  fall_through: string[];
  /** The repeat's lineage and where its record is. */
  lineage?: string;
  log?: { session: string; seq: number };
}

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
  mode: 'layered' | 'strict';
}

export function judgeCell(audit: AuditSide, repeat: RepeatSide, hashImage: (base64: string) => string): CellVerdict {
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
  const first = firstDifference(audit, repeat.record!);
  return { status: 'diverged', reason: first.line, first_difference: first.difference, ...base };
}

function failureReason(repeat: RepeatSide): string {
  const missing = repeat.record?.notFound ?? [];
  const what = repeat.reply === 'dead' || !repeat.record ? 'the kernel died during the cell' : repeat.error ? `${repeat.error.ename}: ${repeat.error.evalue}` : 'it raised';
  if (repeat.mode === 'strict' && missing.length) {
    return `${what}; it reads ${missing[0]}, which the container does not hold (strict mode: nothing falls through to the host)`;
  }
  return `${what} (the audit did not)`;
}

interface Difference {
  line: string;
  difference: CellVerdict['first_difference'];
}

function firstDifference(audit: AuditSide, repeat: CellRecord): Difference {
  const a = audit.metadata!;
  const fileDiff = compareReads(a.files.read, repeat.reads);
  if (fileDiff) return fileDiff;
  const before = audit.record?.previousLineage;
  if (before && before !== repeat.previousLineage) {
    return { line: 'an earlier cell diverged or changed (lineage carries over from cell to cell)', difference: { kind: 'earlier-cell', audit: before, repeat: repeat.previousLineage } };
  }
  if (audit.record) {
    const eventDiff = compareEvents(audit.record.lineageEvents, repeat.lineageEvents);
    if (eventDiff) return eventDiff;
  }
  return { line: 'the lineage differs (its events are not in the container to say where)', difference: { kind: 'lineage', audit: a.lineage, repeat: repeat.lineage } };
}

function compareReads(audit: FileRecord[], repeat: FileRecord[]): Difference | undefined {
  const inRepeat = new Map(repeat.map(r => [r.path, r]));
  for (const r of audit) {
    const again = inRepeat.get(r.path);
    if (!again) return { line: `no longer reads ${r.path}`, difference: { kind: 'file', audit: r.path } };
    if (r.sha256 !== again.sha256) {
      return { line: `reads ${r.path} with different content`, difference: { kind: 'file', audit: `${r.path} ${r.sha256 ?? '?'}`, repeat: `${again.path} ${again.sha256 ?? '?'}` } };
    }
  }
  const inAudit = new Set(audit.map(r => r.path));
  const extra = repeat.find(r => !inAudit.has(r.path));
  if (extra) return { line: `reads ${extra.path}, which the audit did not`, difference: { kind: 'file', repeat: extra.path } };
  return undefined;
}

function compareEvents(audit: CellLineageEvents, repeat: CellLineageEvents): Difference | undefined {
  const seq = (name: string, a: string[], b: string[]): Difference | undefined => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) {
        const line = a[i] === undefined ? `does more: ${b[i]}` : b[i] === undefined ? `stops short of ${a[i]}` : `${a[i]} became ${b[i]}`;
        return { line: `${name} event ${i + 1}: ${line}`, difference: { kind: 'event', audit: a[i], repeat: b[i] } };
      }
    }
    return undefined;
  };
  return (
    seq('kernel', audit.main, repeat.main) ??
    seq('child-process', audit.children.map(c => c.join(' ; ')), repeat.children.map(c => c.join(' ; '))) ??
    seq('worker', audit.pool, repeat.pool)
  );
}

/** What an output shows, for comparison: text as is, images by hash, other data as JSON. */
function outputFingerprint(o: Output, hashImage: (base64: string) => string): { kind: string; value: string } {
  switch (o.output_type) {
    case 'stream':
      return { kind: `stream ${o.name}`, value: joinText(o.text) };
    case 'error':
      return { kind: 'error', value: `${o.ename}: ${o.evalue}` };
    case 'display_data':
    case 'execute_result': {
      const data = (o.data ?? {}) as Record<string, unknown>;
      const kinds = Object.keys(data).sort();
      const parts = kinds.map(k => {
        const v = data[k];
        if (k.startsWith('image/') && k !== 'image/svg+xml') return `${k}=${hashImage(joinText(v))}`;
        return `${k}=${typeof v === 'string' || Array.isArray(v) ? joinText(v) : JSON.stringify(v)}`;
      });
      return { kind: kinds.find(k => k.startsWith('image/')) ?? kinds[0] ?? o.output_type, value: parts.join('\n') };
    }
    default:
      return { kind: o.output_type, value: JSON.stringify(o) };
  }
}

function joinText(v: unknown): string {
  return Array.isArray(v) ? v.join('') : String(v ?? '');
}

export function compareOutputs(audit: Output[], repeat: Output[], hashImage: (base64: string) => string): OutputComparison {
  const differences: string[] = [];
  for (let i = 0; i < Math.max(audit.length, repeat.length); i++) {
    const a = audit[i] && outputFingerprint(audit[i], hashImage);
    const b = repeat[i] && outputFingerprint(repeat[i], hashImage);
    if (!a) differences.push(`output ${i + 1} (${b!.kind}) is new`);
    else if (!b) differences.push(`output ${i + 1} (${a.kind}) is missing`);
    else if (a.kind !== b.kind || a.value !== b.value) differences.push(`output ${i + 1} (${a.kind}) differs`);
  }
  return { same: differences.length === 0, differences };
}

export function summarize(verdicts: CellVerdict[]): RepeatSummary {
  const s: RepeatSummary = { total: verdicts.length, reproduced: 0, changed: 0, diverged: 0, failed: 0 };
  for (const v of verdicts) s[v.status]++;
  return s;
}
