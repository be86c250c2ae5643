/**
 * What a cell's badge says, derived only from the cell's saved metadata and its
 * current source (and, during a repeat, the verdict just given), so badges appear on
 * a reopened notebook without a kernel.
 */
import { shortDigest } from '../lineage/digest';
import type { CellVerdict, VerdictStatus } from '../contract/verdict';
import type { RetraceCellMetadata } from '../contract/metadata';

export type BadgeState =
  | { kind: 'not-audited' }
  | { kind: 'audited'; lineage: string; status: RetraceCellMetadata['status'] }
  | { kind: 'edited'; lineage: string }
  | { kind: VerdictStatus; reason: string; outputsSame: boolean };

/** A verdict given in this session, with the hash of the source it judged. */
export interface JudgedVerdict {
  verdict: CellVerdict;
  codeHash: string;
  /** The cell's audit when it was judged (auditIdentity); undefined for a cell the audit never saw. */
  audit?: string;
}

/**
 * Which audit of a cell its metadata holds: a new audit of the cell (even one with
 * the same lineage) is another execution, so a verdict given against the one before
 * no longer speaks for it.
 */
export function auditIdentity(meta: unknown): string | undefined {
  const m = meta as Partial<RetraceCellMetadata> | undefined;
  if (!m || typeof m !== 'object' || typeof m.lineage !== 'string' || typeof m.code_hash !== 'string') return undefined;
  return [m.log?.session ?? '', m.log?.seq ?? '', m.started_at ?? '', m.lineage].join(' ');
}

export const VERDICT_KINDS: readonly VerdictStatus[] = ['reproduced', 'changed', 'diverged', 'failed'];

export function isVerdictState(state: BadgeState): state is Extract<BadgeState, { kind: VerdictStatus }> {
  return (VERDICT_KINDS as readonly string[]).includes(state.kind);
}

/**
 * The verdict that still speaks for the cell's current source: none once the cell is
 * edited after it. A saved verdict does not keep the hash of the source it judged,
 * but the judge says: `changed` judged a source other than the audit's, every other
 * verdict the audit's own (a failure of an edited cell falls back to "edited"). A
 * verdict given in this session speaks only while the cell keeps the audit it was
 * judged against.
 */
export function currentVerdict(meta: RetraceCellMetadata | undefined, currentCodeHash: string, judged?: JudgedVerdict): CellVerdict | undefined {
  // A verdict judged against an audit the cell no longer has (it was audited again) is gone.
  if (judged && judged.audit === auditIdentity(meta)) return judged.codeHash === currentCodeHash ? judged.verdict : undefined;
  const verdict = meta?.verdict;
  if (!verdict || typeof meta.code_hash !== 'string') return undefined;
  const judgedTheAudited = verdict.status !== 'changed';
  return (meta.code_hash === currentCodeHash) === judgedTheAudited ? verdict : undefined;
}

export function badgeState(meta: RetraceCellMetadata | undefined, currentCodeHash: string, judged?: JudgedVerdict): BadgeState {
  const verdict = currentVerdict(meta, currentCodeHash, judged);
  if (verdict) return { kind: verdict.status, reason: verdict.reason, outputsSame: verdict.outputs.same };
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
    default:
      return state.kind;
  }
}

/** The badge's tooltip. */
export function badgeTitle(state: BadgeState): string {
  switch (state.kind) {
    case 'not-audited':
      return 'retrace: this cell has not been audited';
    case 'edited':
      return 'retrace: the source changed since it was audited; click for the audited provenance';
    case 'audited':
      return 'retrace: click for what this cell read, wrote and ran';
    default: {
      const outputs = state.outputsSame ? '' : ' Its outputs differ from the audit’s.';
      return `retrace: ${state.kind} in its container: ${state.reason}.${outputs} Click for details.`;
    }
  }
}

/** What a screen reader says: the label, and for a verdict other than reproduced, why. */
export function badgeAriaLabel(state: BadgeState): string {
  const label = `retrace: ${badgeLabel(state)}`;
  return isVerdictState(state) && state.kind !== 'reproduced' ? `${label}: ${state.reason}` : label;
}
