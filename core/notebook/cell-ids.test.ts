import { describe, expect, it } from 'vitest';
import { CELL_ID_PATTERN, ensureCellIds, randomCellId } from './cell-ids';
import type { Notebook } from './parse';

const nb = (cells: Array<Record<string, unknown>>, minor = 4): Notebook =>
  ({ nbformat: 4, nbformat_minor: minor, metadata: {}, cells: cells.map(c => ({ cell_type: 'code', source: '', metadata: {}, ...c })) }) as Notebook;

describe('ensureCellIds', () => {
  it('gives every cell of a 4.4 notebook a valid unique id and upgrades it to 4.5 as nbformat does', () => {
    const doc = nb([{}, { cell_type: 'markdown' }, {}, { cell_type: 'raw' }]);
    const changes = ensureCellIds(doc);
    const ids = doc.cells.map(c => c.id!);
    expect(ids.every(id => /^[0-9a-f]{8}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(4);
    expect(doc.nbformat_minor).toBe(5);
    expect(doc.metadata.orig_nbformat_minor).toBe(4);
    expect(changes).toEqual({ assigned: [0, 1, 2, 3].map(index => ({ index, reason: 'missing' })), upgradedFrom: 4 });
  });

  it('keeps valid ids, replaces invalid ones and later duplicates', () => {
    const doc = nb([{ id: 'keep-me_1' }, { id: 'has space' }, { id: 'keep-me_1' }, { id: 'x'.repeat(65) }, { id: 7 }], 5);
    let n = 0;
    const changes = ensureCellIds(doc, () => `new${n++}`);
    expect(doc.cells.map(c => c.id)).toEqual(['keep-me_1', 'new0', 'new1', 'new2', 'new3']);
    expect(changes.assigned.map(a => a.reason)).toEqual(['invalid', 'duplicate', 'invalid', 'invalid']);
    expect(changes.upgradedFrom).toBeUndefined();
    expect(doc.metadata.orig_nbformat_minor).toBeUndefined();
  });

  it('never hands out an id a cell already has', () => {
    const doc = nb([{ id: 'aaaa' }, {}], 5);
    const queue = ['aaaa', 'bad id', 'bbbb'];
    ensureCellIds(doc, () => queue.shift()!);
    expect(doc.cells.map(c => c.id)).toEqual(['aaaa', 'bbbb']);
  });

  it('leaves a notebook with good ids as it is', () => {
    const doc = nb([{ id: 'a' }, { id: 'b' }], 5);
    const before = JSON.stringify(doc);
    expect(ensureCellIds(doc)).toEqual({ assigned: [] });
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('makes random ids that nbformat accepts', () => {
    for (let i = 0; i < 50; i++) expect(randomCellId()).toMatch(CELL_ID_PATTERN);
  });
});
