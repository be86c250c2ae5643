/**
 * `retrace diff A B`, all but the reading of files: cells matched (by id, else by
 * code and position), each pair judged same / code changed / lineage differs, and
 * the first differences of each pair that is not the same. Pure.
 */
import { matchCells, type MatchedBy } from '../notebook/match-cells';
import type { CellRecord } from '../contract/records';
import { describeDifferences } from './describe';
import { diffExecutions, type ExecutionDifferences } from './execution-diff';
import { executionOf, type CellExecutionRef } from './notebook-executions';
import type { HashImage } from './outputs';

export type CellDiffStatus = 'same' | 'code changed' | 'lineage differs' | 'not compared' | 'only in A' | 'only in B';

export interface SideOfCell {
  /** 1-based position among the notebook's code cells. */
  cell: number;
  id?: string;
  kind: CellExecutionRef['kind'];
  lineage?: string;
  /** The record the comparison used: where it was found; absent when none was at hand. */
  record?: string;
}

export interface CellDiff {
  a?: SideOfCell;
  b?: SideOfCell;
  matchedBy?: MatchedBy;
  status: CellDiffStatus;
  /** Why not compared, when so. */
  reason?: string;
  differences?: ExecutionDifferences;
  /** The differences in words (core/diff/describe.ts). */
  lines: string[];
}

export interface NotebookDiff {
  cells: CellDiff[];
  same: number;
  total: number;
}

/** An execution with the record found for it (and where), if any. */
export interface FoundExecution {
  ref: CellExecutionRef;
  record?: CellRecord;
  recordFrom?: string;
}

const NAMES = { a: 'A', b: 'B' };

function side(x: FoundExecution): SideOfCell {
  return {
    cell: x.ref.index + 1,
    ...(x.ref.id ? { id: x.ref.id } : {}),
    kind: x.ref.kind,
    ...(x.ref.lineage ? { lineage: x.ref.lineage } : {}),
    ...(x.recordFrom ? { record: x.recordFrom } : {})
  };
}

function diffPair(a: FoundExecution, b: FoundExecution, by: MatchedBy | undefined, hashImage: HashImage): CellDiff {
  const head = { a: side(a), b: side(b), ...(by ? { matchedBy: by } : {}) };
  const never = [a.ref.kind === 'none' ? NAMES.a : '', b.ref.kind === 'none' ? NAMES.b : ''].filter(Boolean);
  if (never.length) {
    return { ...head, status: 'not compared', reason: `no run of this cell is recorded in ${never.join(' or ')} (never audited or repeated)`, lines: [] };
  }
  const differences = diffExecutions(executionOf(a.ref, a.record), executionOf(b.ref, b.record), hashImage, NAMES);
  const status: CellDiffStatus = a.ref.codeHash !== b.ref.codeHash ? 'code changed' : a.ref.lineage !== b.ref.lineage ? 'lineage differs' : 'same';
  // A cell that is the same has nothing to explain; its outputs may still differ (lineage is about state).
  const lines = status === 'same' ? differences.outputs.differences : [...recordNotices(a, b), ...describeDifferences(differences, NAMES)];
  return { ...head, status, differences, lines };
}

/** Say which record could not be had, so what follows is read as metadata-level only. */
function recordNotices(a: FoundExecution, b: FoundExecution): string[] {
  const notice = (x: FoundExecution, name: string) =>
    x.ref.log && !x.record
      ? [
          `${name}'s record of this cell (session ${x.ref.log.session}, execution ${x.ref.log.seq}) is not on this machine or in a container given: ${x.ref.kind === 'audit' ? 'compared from its metadata (files read with hashes, programs)' : 'only its lineage is known'}`
        ]
      : [];
  return [...notice(a, NAMES.a), ...notice(b, NAMES.b)];
}

export function diffNotebooks(a: FoundExecution[], b: FoundExecution[], hashImage: HashImage): NotebookDiff {
  const pairs = matchCells(
    a.map(x => ({ id: x.ref.id, codeHash: x.ref.codeHash })),
    b.map(x => ({ id: x.ref.id, codeHash: x.ref.codeHash }))
  );
  const cells = pairs.map((p): CellDiff => {
    if (p.a !== undefined && p.b !== undefined) return diffPair(a[p.a], b[p.b], p.by, hashImage);
    if (p.a !== undefined) return { a: side(a[p.a]), status: 'only in A', lines: [] };
    return { b: side(b[p.b!]), status: 'only in B', lines: [] };
  });
  return { cells, same: cells.filter(c => c.status === 'same').length, total: cells.length };
}

function cellName(c: CellDiff): string {
  const one = (s: SideOfCell) => `cell ${s.cell}${s.id ? ` (${s.id})` : ''}`;
  if (c.a && c.b) return c.a.cell === c.b.cell ? one(c.b) : `${one(c.b)} (cell ${c.a.cell} in A)`;
  return one((c.a ?? c.b)!);
}

/** The human report: one line per code cell, its differences indented beneath. */
export function formatNotebookDiff(d: NotebookDiff, files: { a: string; b: string }): string {
  const out = [`A: ${files.a}`, `B: ${files.b}`];
  for (const c of d.cells) {
    out.push(`  ${cellName(c)}: ${c.status}${c.reason ? `: ${c.reason}` : ''}`);
    out.push(...c.lines.map(l => `      ${l}`));
  }
  out.push(d.same === d.total ? `Every code cell is the same (${d.total}).` : `${d.same} of ${d.total} code cells are the same.`);
  return out.join('\n') + '\n';
}
