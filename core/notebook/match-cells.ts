/**
 * Which code cell of one notebook is which of another's (an audit and its repeat, or
 * the two sides of `retrace diff`). By cell id when both have one; notebooks of
 * nbformat 4.4 and older have none, and ids get lost (copied notebooks, tools that
 * regenerate them), so the cells left over are aligned by code: the longest common
 * subsequence of their code hashes keeps order and tolerates inserted and deleted
 * cells, and between two cells so aligned the rest are paired by position (the same
 * place, edited code). Pure.
 */

export interface CellKey {
  id?: string | null;
  /** H(source) of the code that ran, or of the source when it has not run. */
  codeHash: string;
}

export type MatchedBy = 'id' | 'code' | 'position';

/** Indices into the two lists; a cell only one side has comes alone. */
export interface CellPair {
  a?: number;
  b?: number;
  by?: MatchedBy;
}

/** Ids that name exactly one cell (a copied cell may repeat its id). */
function uniqueIds(cells: CellKey[]): Map<string, number> {
  const seen = new Map<string, number>();
  const twice = new Set<string>();
  cells.forEach((c, i) => {
    if (!c.id) return;
    if (seen.has(c.id)) twice.add(c.id);
    seen.set(c.id, i);
  });
  for (const id of twice) seen.delete(id);
  return seen;
}

/** Longest common subsequence of two hash lists, as index pairs in order. */
function lcs(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) len[i][j] = a[i] === b[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (len[i + 1][j] >= len[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

export function matchCells(a: CellKey[], b: CellKey[]): CellPair[] {
  const aToB = new Map<number, { b: number; by: MatchedBy }>();
  const bIds = uniqueIds(b);
  for (const [id, i] of uniqueIds(a)) {
    const j = bIds.get(id);
    if (j !== undefined) aToB.set(i, { b: j, by: 'id' });
  }
  const matchedB = new Set([...aToB.values()].map(m => m.b));
  const restA = a.map((_, i) => i).filter(i => !aToB.has(i));
  const restB = b.map((_, j) => j).filter(j => !matchedB.has(j));
  const anchors = lcs(
    restA.map(i => a[i].codeHash),
    restB.map(j => b[j].codeHash)
  );
  // Between consecutive anchors (and before the first, after the last), pair by position.
  let prevA = 0;
  let prevB = 0;
  for (const [x, y] of [...anchors, [restA.length, restB.length] as [number, number]]) {
    for (let k = 0; prevA + k < x && prevB + k < y; k++) aToB.set(restA[prevA + k], { b: restB[prevB + k], by: 'position' });
    if (x < restA.length) aToB.set(restA[x], { b: restB[y], by: 'code' });
    prevA = x + 1;
    prevB = y + 1;
  }
  return inOrder(a.length, b.length, aToB);
}

/** Pairs in the second notebook's order, each cell only the first has placed where it stood. */
function inOrder(nA: number, nB: number, aToB: Map<number, { b: number; by: MatchedBy }>): CellPair[] {
  const bToA = new Map([...aToB].map(([i, m]) => [m.b, { a: i, by: m.by }]));
  const out: CellPair[] = [];
  const placed = new Set<number>();
  let i = 0;
  for (let j = 0; j < nB; j++) {
    const m = bToA.get(j);
    // First the first notebook's unmatched cells that stood before this one.
    while (i < nA && (placed.has(i) || !aToB.has(i)) && (m === undefined || i < m.a)) {
      if (!placed.has(i)) out.push({ a: i });
      placed.add(i++);
    }
    if (m) {
      out.push({ a: m.a, b: j, by: m.by });
      placed.add(m.a);
    } else out.push({ b: j });
  }
  for (; i < nA; i++) if (!placed.has(i)) out.push({ a: i });
  return out;
}

/** For each cell of `b`, the index of its match in `a` (undefined: none). */
export function matchedIndex(a: CellKey[], b: CellKey[]): Array<number | undefined> {
  const out = new Array<number | undefined>(b.length).fill(undefined);
  for (const p of matchCells(a, b)) if (p.b !== undefined && p.a !== undefined) out[p.b] = p.a;
  return out;
}

/**
 * The match in `a` of one cell of a notebook whose code cells are `b` (`cell` among
 * them by id). Without `b`, only what the cell says of itself: its id, else code
 * that only one cell of `a` has.
 */
export function matchOne(a: CellKey[], cell: CellKey, b?: CellKey[]): number | undefined {
  const at = b && cell.id ? b.findIndex(c => c.id === cell.id) : -1;
  if (b && at >= 0) return matchedIndex(a, b)[at];
  const byId = cell.id ? uniqueIds(a).get(cell.id) : undefined;
  if (byId !== undefined) return byId;
  const same = a.flatMap((c, i) => (c.codeHash === cell.codeHash ? [i] : []));
  return same.length === 1 ? same[0] : undefined;
}
