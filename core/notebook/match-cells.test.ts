import { describe, expect, it } from 'vitest';
import { matchCells, matchedIndex, matchOne, type CellKey } from './match-cells';

const cells = (codes: string, ids?: string): CellKey[] =>
  codes.split('').map((c, i) => ({ codeHash: `sha256:${c}`, ...(ids ? { id: ids[i] === '-' ? undefined : ids[i] } : {}) }));

describe('matchCells', () => {
  it('matches by id when both sides have them, wherever the cells moved', () => {
    expect(matchCells(cells('abc', 'xyz'), cells('cab', 'zxy'))).toEqual([
      { a: 2, b: 0, by: 'id' },
      { a: 0, b: 1, by: 'id' },
      { a: 1, b: 2, by: 'id' }
    ]);
  });

  it('without ids (nbformat 4.4): by code, then by position for edited cells', () => {
    expect(matchCells(cells('abcd'), cells('abXd'))).toEqual([
      { a: 0, b: 0, by: 'code' },
      { a: 1, b: 1, by: 'code' },
      { a: 2, b: 2, by: 'position' },
      { a: 3, b: 3, by: 'code' }
    ]);
  });

  it('tolerates inserted and deleted cells', () => {
    // b inserts X after a, and deletes c
    expect(matchCells(cells('abcd'), cells('aXbd'))).toEqual([
      { a: 0, b: 0, by: 'code' },
      { b: 1 },
      { a: 1, b: 2, by: 'code' },
      { a: 2 },
      { a: 3, b: 3, by: 'code' }
    ]);
    expect(matchedIndex(cells('abcd'), cells('aXbd'))).toEqual([0, undefined, 1, 3]);
  });

  it('pairs an edited cell by position even next to an inserted one', () => {
    // c edited to C, Y inserted after it: C pairs with c by position, Y is new
    expect(matchedIndex(cells('abcd'), cells('abCYd'))).toEqual([0, 1, 2, undefined, 3]);
  });

  it('matches cells with the same code in order (duplicates do not cross)', () => {
    expect(matchedIndex(cells('aaba'), cells('aaba'))).toEqual([0, 1, 2, 3]);
  });

  it('falls back on code for cells whose ids were lost or regenerated, and ignores repeated ids', () => {
    // ids on one side only; then ids on both sides but all regenerated
    expect(matchedIndex(cells('abc', 'xyz'), cells('abc'))).toEqual([0, 1, 2]);
    expect(matchedIndex(cells('abc', 'xyz'), cells('abc', 'pqr'))).toEqual([0, 1, 2]);
    // a copied cell kept its id: neither copy is matched by that id
    expect(matchCells(cells('ab', 'xx'), cells('ba', 'xx')).filter(p => p.by === 'id')).toEqual([]);
    // mixed: a kept id wins over code
    expect(matchCells(cells('aa', 'x-'), cells('aa', '-x'))).toEqual([
      { a: 1, b: 0, by: 'code' },
      { a: 0, b: 1, by: 'id' }
    ]);
  });

  it('handles empty notebooks', () => {
    expect(matchCells([], cells('ab'))).toEqual([{ b: 0 }, { b: 1 }]);
    expect(matchCells(cells('ab'), [])).toEqual([{ a: 0 }, { a: 1 }]);
  });
});

describe('matchOne', () => {
  it('finds one cell’s match through the whole notebook, else by its id, else by code only one cell has', () => {
    const audit = cells('abcd');
    // JupyterLab gives an id-less notebook's cells ids of its own: matched through the notebook
    expect(matchOne(audit, { id: 'q', codeHash: 'sha256:X' }, cells('aXcd', 'pqrs'))).toBe(1);
    expect(matchOne(audit, { id: 'r', codeHash: 'sha256:c' }, cells('aXcd', 'pqrs'))).toBe(2);
    expect(matchOne(cells('ab', 'xy'), { id: 'y', codeHash: 'sha256:Z' })).toBe(1);
    expect(matchOne(audit, { id: 'n', codeHash: 'sha256:c' })).toBe(2);
    expect(matchOne(cells('aa'), { codeHash: 'sha256:a' })).toBeUndefined();
  });
});
