import { describe, expect, it } from 'vitest';
import { chooseSession, matchSession, type RecordedExecution, type SavedCell } from './session-match';

const hash = (n: number) => 'sha256:' + String(n).repeat(64).slice(0, 64);
const short = (n: number) => hash(n).slice(7, 23);
const cell = (index: number, executionCount: number | null, code = index + 1, id?: string): SavedCell => ({ index, id, executionCount, codeHash: hash(code) });
const rec = (seq: number, executionCount: number, code?: number, cellId: string | null = null): RecordedExecution => ({
  seq,
  cellId,
  executionCount,
  ...(code === undefined ? {} : { codeHash: short(code) })
});

describe('matchSession', () => {
  it('matches cells run by a client that sends no ids by execution count, checking the code', () => {
    const m = matchSession([cell(0, 1), cell(1, 2), cell(2, 3)], [rec(1, 1, 1), rec(2, 2, 2), rec(3, 3, 3)]);
    expect(m).toEqual({
      ok: true,
      matched: [1, 2, 3].map(seq => ({ cell: seq - 1, seq, by: 'execution-count', codeChecked: true })),
      problems: [],
      unshown: [],
      inOrder: true
    });
  });

  it('refuses a cell edited after it ran', () => {
    const m = matchSession([cell(0, 1), cell(1, 2, 9)], [rec(1, 1, 1), rec(2, 2, 2)]);
    expect(m.ok).toBe(false);
    expect(m.problems).toEqual(['code cell 2: execution [2] ran other code (was the cell edited after it ran?)']);
    expect(m.matched.map(x => x.cell)).toEqual([0]);
  });

  it('matches by id first, taking the run the notebook shows, and reports earlier runs as unshown', () => {
    const cells = [cell(0, 3, 1, 'a'), cell(1, 2, 2, 'b')];
    const m = matchSession(cells, [rec(1, 1, 1, 'a'), rec(2, 2, 2, 'b'), rec(3, 3, 1, 'a')]);
    expect(m.ok).toBe(true);
    expect(m.matched).toEqual([
      { cell: 0, seq: 3, by: 'id', codeChecked: true },
      { cell: 1, seq: 2, by: 'id', codeChecked: true }
    ]);
    expect(m.unshown).toEqual([1]);
    expect(m.inOrder).toBe(false);
  });

  it('says why a cell has no execution, naming the cell', () => {
    const m = matchSession([cell(0, 1, 1, 'a'), cell(1, 5, 2, 'b')], [rec(1, 2, 1, 'a'), rec(2, 1, 2, 'c')]);
    expect(m.ok).toBe(false);
    expect(m.problems).toEqual(['code cell 1 (a): the session ran it as [2], the notebook shows [1]', 'code cell 2 (b): the session has no execution [5]']);
  });

  it('does not give a cell the execution of another cell id', () => {
    const m = matchSession([cell(0, 1, 1, 'a')], [rec(1, 1, 1, 'z')]);
    expect(m.problems).toEqual(['code cell 1 (a): execution [1] was of cell z']);
  });

  it('skips cells never run, and refuses a notebook with none run', () => {
    const m = matchSession([cell(0, 1), cell(1, null)], [rec(1, 1, 1)]);
    expect(m.ok).toBe(true);
    expect(m.matched).toHaveLength(1);
    expect(matchSession([cell(0, null)], [rec(1, 1, 1)]).problems).toEqual(['no code cell has an execution count: the notebook was saved without being run']);
  });

  it('matches older sessions without code hashes by count alone, and says the code was not checked', () => {
    expect(matchSession([cell(0, 1)], [rec(1, 1)]).matched).toEqual([{ cell: 0, seq: 1, by: 'execution-count', codeChecked: false }]);
  });
});

describe('chooseSession', () => {
  const ok = matchSession([cell(0, 1)], [rec(1, 1, 1)]);
  const bad = matchSession([cell(0, 1)], [rec(1, 1, 2)]);
  it('takes the latest matching session started before the notebook was written', () => {
    const candidates = [
      { id: 'old', startedAt: '2026-01-01T10:00:00.000Z', match: ok },
      { id: 'new', startedAt: '2026-01-01T11:00:00.000Z', match: ok },
      { id: 'later', startedAt: '2026-01-01T13:00:00.000Z', match: ok },
      { id: 'other', startedAt: '2026-01-01T11:30:00.000Z', match: bad }
    ];
    const { chosen, alsoMatching } = chooseSession(candidates, '2026-01-01T12:00:00.000Z');
    expect(chosen?.id).toBe('new');
    expect(alsoMatching.map(c => c.id)).toEqual(['later', 'old']);
  });

  it('chooses none when none matches', () => {
    expect(chooseSession([{ id: 'x', startedAt: '2026-01-01T10:00:00.000Z', match: bad }], '2026-01-02T00:00:00.000Z')).toEqual({
      chosen: undefined,
      alsoMatching: []
    });
  });
});
