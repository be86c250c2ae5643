import { describe, expect, it } from 'vitest';
import { belongsToRun, findExecution, recordsOfRun, refusal } from './record-match';

const rec = (run: string | undefined, seq: number, cellId: string | null, executionCount: number) => ({ run, seq, cellId, executionCount });

describe('a record and the execution it is attached to', () => {
  it('belongs to one run: a restart’s run with the same cell and count is another execution', () => {
    const before = rec('r1', 3, 'c', 3);
    expect(refusal(before, { run: 'r1', cellId: 'c', executionCount: 3 })).toBeUndefined();
    expect(refusal(before, { run: 'r2', cellId: 'c', executionCount: 3 })).toMatch(/of run r1 of the kernel, not of run r2 .*restarted/);
    expect(refusal(rec(undefined, 3, 'c', 3), { run: 'r2', cellId: 'c', executionCount: 3 })).toMatch(/run \(none\)/);
  });

  it('is refused for another cell or another execution count', () => {
    expect(refusal(rec('r1', 2, 'c', 2), { run: 'r1', cellId: 'd', executionCount: 2 })).toBe('the record of execution 2 is of cell c, not d');
    expect(refusal(rec('r1', 2, 'c', 2), { run: 'r1', cellId: 'c', executionCount: 5 })).toBe('the record of execution 2 is of execution count 2, not 5');
    // A client that does not know the cell or the count does not narrow by it.
    expect(refusal(rec('r1', 2, 'c', 2), { run: 'r1', cellId: null, executionCount: NaN })).toBeUndefined();
  });

  it('is found among the session’s records only in the run asked for, the latest first', () => {
    const records = [rec('r1', 1, 'c', 1), rec('r1', 2, 'c', 1), rec('r2', 1, 'c', 1)];
    expect(findExecution(records, { run: 'r1', cellId: 'c', executionCount: 1 })?.seq).toBe(2);
    expect(findExecution(records, { run: 'r2', cellId: 'c', executionCount: 1 })).toEqual(rec('r2', 1, 'c', 1));
    expect(findExecution(records, { run: 'r3', cellId: 'c', executionCount: 1 })).toBeUndefined();
    expect(recordsOfRun(records, 'r2')).toHaveLength(1);
    // Sessions from before runs had ids: neither side names one.
    expect(belongsToRun({ run: undefined }, undefined)).toBe(true);
    expect(belongsToRun({ run: 'r1' }, undefined)).toBe(false);
  });
});
