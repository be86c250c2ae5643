/**
 * What a cell's badge says, derived only from the cell's saved metadata and its
 * current source, so badges appear on a reopened notebook without a kernel.
 */
import { shortDigest } from '../lineage/digest';
import type { RetraceCellMetadata } from './types';

export type BadgeState =
  | { kind: 'not-audited' }
  | { kind: 'audited'; lineage: string; status: RetraceCellMetadata['status'] }
  | { kind: 'edited'; lineage: string };

export function badgeState(meta: RetraceCellMetadata | undefined, currentCodeHash: string): BadgeState {
  if (!meta || typeof meta.code_hash !== 'string' || typeof meta.lineage !== 'string') return { kind: 'not-audited' };
  const lineage = shortDigest(meta.lineage);
  return meta.code_hash === currentCodeHash ? { kind: 'audited', lineage, status: meta.status } : { kind: 'edited', lineage };
}

export function badgeLabel(state: BadgeState): string {
  switch (state.kind) {
    case 'not-audited':
      return 'not audited';
    case 'edited':
      return 'edited since audit';
    case 'audited':
      return state.status === 'complete' ? `audited ${state.lineage}` : `audited ${state.lineage} (${state.status})`;
  }
}
