/**
 * Cell ids for notebooks that lack them. nbformat 4.5 gave every cell an `id`; older
 * notebooks (most in the wild) have none, and retrace matches a repeat's cells to the
 * audit's by id. So an audit gives ids the way nbformat does when it upgrades a
 * notebook to 4.5 (8 random hex digits per cell, `orig_nbformat_minor` kept) and
 * writes them into the audited notebook.
 */
import type { Notebook } from './parse';

/** nbformat 4.5's schema: 1 to 64 of these characters. */
export const CELL_ID_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;

/** 8 hex digits, as nbformat's `random_cell_id()` (uuid4().hex[:8]). */
export function randomCellId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 8);
}

export interface IdChanges {
  /** Cells (0-based, all cell types) that got an id, and why. */
  assigned: Array<{ index: number; reason: 'missing' | 'invalid' | 'duplicate'; previous?: unknown }>;
  /** The notebook's minor version was raised to 5. */
  upgradedFrom?: number;
}

/**
 * Give every cell a valid, unique id, keeping the valid ids it has (the first of
 * duplicates keeps its id, as nbformat's repair does), and raise nbformat_minor to 5.
 * Changes the notebook in place.
 */
export function ensureCellIds(nb: Notebook, newId: () => string = randomCellId): IdChanges {
  const changes: IdChanges = { assigned: [] };
  const taken = new Set(nb.cells.map(c => c.id).filter((id): id is string => typeof id === 'string' && CELL_ID_PATTERN.test(id)));
  const seen = new Set<string>();
  nb.cells.forEach((cell, index) => {
    const id: unknown = cell.id;
    let reason: IdChanges['assigned'][number]['reason'] | undefined;
    if (id === undefined || id === null) reason = 'missing';
    else if (typeof id !== 'string' || !CELL_ID_PATTERN.test(id)) reason = 'invalid';
    else if (seen.has(id)) reason = 'duplicate';
    if (!reason) {
      seen.add(id as string);
      return;
    }
    let fresh = newId();
    for (let tries = 0; taken.has(fresh) || !CELL_ID_PATTERN.test(fresh); tries++) {
      if (tries > 100) throw new Error('could not make a unique cell id');
      fresh = newId();
    }
    taken.add(fresh);
    seen.add(fresh);
    cell.id = fresh;
    changes.assigned.push(reason === 'missing' ? { index, reason } : { index, reason, previous: id });
  });
  if (nb.nbformat === 4 && (nb.nbformat_minor ?? 0) < 5) {
    changes.upgradedFrom = nb.nbformat_minor ?? 0;
    nb.metadata.orig_nbformat_minor ??= changes.upgradedFrom;
    nb.nbformat_minor = 5;
  }
  return changes;
}
