import { describe, expect, it } from 'vitest';
import type { Notebook } from '../notebook/parse';
import type { CellRecord } from '../contract/records';
import { diffNotebooks, formatNotebookDiff } from './notebook-diff';
import { executionRefs, pickRecord } from './notebook-executions';

const H = (c: string) => 'sha256:' + c.repeat(64);
const hashImage = (b: string) => b;

function meta(lineage: string, read: string, seq: number) {
  return {
    code_hash: H('c'),
    lineage,
    execution_count: seq,
    started_at: '2026-01-01T00:00:00Z',
    duration_ms: 1,
    status: 'complete',
    files: { read: [{ path: 'data/x.csv', sha256: read }], written: [] },
    programs: [],
    network: [],
    counts: { system_files_read: 0, system_files_written: 0, processes: 1, events: 1 },
    log: { session: 's1', seq, events_sha256: H('e') }
  };
}

const nb = (cells: object[], repeat?: object): Notebook =>
  ({ nbformat: 4, nbformat_minor: 4, metadata: { retrace: { spec_version: '1.2.0', ...(repeat ? { repeat } : {}) } }, cells }) as unknown as Notebook;
const code = (m?: object, outputs: object[] = []) => ({ cell_type: 'code', source: 'x', metadata: m ? { retrace: m } : {}, outputs });

describe('pickRecord', () => {
  it('takes only the record with the lineage and events the notebook names (a restarted kernel reuses seq numbers)', () => {
    const [ref] = executionRefs(nb([code(meta(H('1'), H('a'), 1))]), [H('c')]);
    const earlierRun = { seq: 1, lineage: H('0'), eventsDigest: H('e') } as CellRecord;
    const thisRun = { seq: 1, lineage: H('1'), eventsDigest: H('e') } as CellRecord;
    expect(pickRecord(ref, [earlierRun])).toBeUndefined();
    expect(pickRecord(ref, [earlierRun, thisRun])).toBe(thisRun);
  });
});

describe('diffNotebooks', () => {
  it('uses a repeat’s own lineage, not the audit’s it keeps, and says when a record is not at hand', () => {
    const audit = nb([code(meta(H('1'), H('a'), 1)), code(meta(H('2'), H('a'), 2))]);
    const verdict = (lineage: string, seq: number) => ({
      status: 'x',
      reason: '',
      outputs: { same: true, differences: [] },
      fall_through: [],
      lineage,
      log: { session: 'r1', seq }
    });
    const repeated = nb(
      [code({ ...meta(H('1'), H('a'), 1), verdict: verdict(H('1'), 1) }), code({ ...meta(H('2'), H('a'), 2), verdict: verdict(H('9'), 2) })],
      { session: 'r1' }
    );
    const a = executionRefs(audit, [H('c'), H('c')]).map(ref => ({ ref }));
    const b = executionRefs(repeated, [H('c'), H('c')]).map(ref => ({ ref }));
    expect(b.map(x => x.ref.kind)).toEqual(['repeat', 'repeat']);
    const d = diffNotebooks(a, b, hashImage);
    expect(d.cells.map(c => c.status)).toEqual(['same', 'lineage differs']);
    const text = formatNotebookDiff(d, { a: 'a.ipynb', b: 'b.ipynb' });
    expect(text).toContain("B's record of this cell (session r1, execution 2) is not on this machine or in a container given: only its lineage is known");
    expect(text).toContain('1 of 2 code cells are the same.');
  });

  it('reports cells never run under retrace, and cells only one side has', () => {
    const a = executionRefs(nb([code(meta(H('1'), H('a'), 1)), code()]), [H('c'), H('d')]).map(ref => ({ ref }));
    const b = executionRefs(nb([code(meta(H('1'), H('a'), 1))]), [H('c')]).map(ref => ({ ref }));
    expect(diffNotebooks(a, b, hashImage).cells.map(c => c.status)).toEqual(['same', 'only in A']);
    expect(diffNotebooks(a, a, hashImage).cells[1]).toMatchObject({ status: 'not compared', reason: expect.stringContaining('never audited') });
  });
});
