/**
 * Which executions of an audit session a saved notebook shows. A notebook run by
 * another Jupyter client (nbconvert, papermill, VS Code) on the audit kernel has no
 * retrace metadata, but the session recorded every execution with the cell id the
 * client sent (nbclient sends none), its execution count and a short hash of its
 * code. A cell is matched by its id when the session knows it, else by its execution
 * count; the code hash, when recorded, must agree, so a cell edited after it ran is
 * never given another code's provenance.
 */

/** A code cell of the saved notebook. */
export interface SavedCell {
  /** Position among the notebook's code cells (0-based). */
  index: number;
  id?: string;
  executionCount: number | null;
  /** `sha256:<hex>` of its source (code_hash). */
  codeHash: string;
}

/** What a cell record says about its execution. */
export interface RecordedExecution {
  seq: number;
  cellId: string | null;
  executionCount: number;
  /** 16 hex digits of the SHA-256 of the code run; absent from older sessions. */
  codeHash?: string;
}

export interface CellMatch {
  cell: number;
  seq: number;
  by: 'id' | 'execution-count';
  /** The code hash was recorded and agrees (false: older session, nothing to check). */
  codeChecked: boolean;
}

export interface SessionMatch {
  /** Every executed cell found its execution. */
  ok: boolean;
  matched: CellMatch[];
  /** Why cells did not match, one line each, for the user. */
  problems: string[];
  /** Executions no cell shows (a cell run twice, a deleted cell, other code). */
  unshown: number[];
  /** The matched executions ran in the notebook's order. */
  inOrder: boolean;
}

const label = (c: SavedCell) => `code cell ${c.index + 1}${c.id ? ` (${c.id})` : ''}`;
const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 16);

export function matchSession(cells: SavedCell[], records: RecordedExecution[]): SessionMatch {
  const executed = cells.filter(c => c.executionCount !== null && c.executionCount > 0);
  const used = new Set<number>();
  const matched: CellMatch[] = [];
  const problems: string[] = [];
  if (executed.length === 0) problems.push('no code cell has an execution count: the notebook was saved without being run');
  for (const cell of executed) {
    const found = findExecution(cell, records, used);
    if ('problem' in found) {
      problems.push(`${label(cell)}: ${found.problem}`);
      continue;
    }
    const { record, by } = found;
    if (record.codeHash && record.codeHash !== short(cell.codeHash)) {
      problems.push(`${label(cell)}: execution [${record.executionCount}] ran other code (was the cell edited after it ran?)`);
      continue;
    }
    used.add(record.seq);
    matched.push({ cell: cell.index, seq: record.seq, by, codeChecked: record.codeHash !== undefined });
  }
  const seqs = matched.map(m => m.seq);
  return {
    ok: problems.length === 0,
    matched,
    problems,
    unshown: records.map(r => r.seq).filter(s => !used.has(s)),
    inOrder: seqs.every((s, i) => i === 0 || s > seqs[i - 1])
  };
}

function findExecution(
  cell: SavedCell,
  records: RecordedExecution[],
  used: Set<number>
): { record: RecordedExecution; by: CellMatch['by'] } | { problem: string } {
  const free = records.filter(r => !used.has(r.seq));
  const byId = cell.id ? free.filter(r => r.cellId === cell.id) : [];
  if (byId.length) {
    // The notebook shows the outputs of the cell's last run, the one with its count.
    const same = byId.find(r => r.executionCount === cell.executionCount);
    if (same) return { record: same, by: 'id' };
    return { problem: `the session ran it as [${byId.map(r => r.executionCount).join('], [')}], the notebook shows [${cell.executionCount}]` };
  }
  const byCount = free.filter(r => r.executionCount === cell.executionCount);
  if (byCount.length !== 1) {
    return {
      problem: byCount.length ? `${byCount.length} executions have count [${cell.executionCount}]` : `the session has no execution [${cell.executionCount}]`
    };
  }
  const [record] = byCount;
  // The client said which cell it ran, and it was another one.
  if (record.cellId !== null && cell.id && record.cellId !== cell.id) {
    return { problem: `execution [${record.executionCount}] was of cell ${record.cellId}` };
  }
  return { record, by: 'execution-count' };
}

export interface Candidate {
  id: string;
  startedAt: string;
  match: SessionMatch;
}

/**
 * Of the sessions that match, the one that ran the notebook as saved: the latest to
 * start before the notebook was written (a later one cannot have made its outputs).
 * The others are returned so the user is told and can choose with --session.
 */
export function chooseSession(candidates: Candidate[], notebookWrittenAt: string): { chosen?: Candidate; alsoMatching: Candidate[] } {
  const matching = candidates.filter(c => c.match.ok).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const chosen = matching.find(c => c.startedAt <= notebookWrittenAt);
  return { chosen, alsoMatching: matching.filter(c => c !== chosen) };
}
