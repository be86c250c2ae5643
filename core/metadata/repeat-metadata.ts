/**
 * What a repeat run in JupyterLab adds to a notebook's `retrace` metadata: a
 * `verdict` beside the audit's own fields in each audited cell, and the run's
 * `repeat` block in the notebook. Only keys the schema allows: the schema is strict,
 * and the audit must stay as it was, the reference a later repeat compares with.
 */
import type { CellVerdict } from '../contract/verdict';
import type { RepeatSummary, RetraceCellMetadata, RetraceNotebookMetadata } from '../contract/metadata';
import type { RepeatMode } from '../contract/repeat-mode';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether a cell's `retrace` metadata is an audit's: only those get a verdict written in. */
export function isAuditedCell(meta: unknown): meta is RetraceCellMetadata {
  const m = meta as Partial<RetraceCellMetadata> | undefined;
  return !!m && typeof m === 'object' && typeof m.code_hash === 'string' && typeof m.lineage === 'string';
}

/**
 * The verdict as the schema has it (`$defs/verdict`), whatever else the companion sent;
 * keys in the order the judge (core/repeat/verdict.ts) gives them.
 */
export function verdictForMetadata(v: CellVerdict): CellVerdict {
  const first = v.first_difference;
  return {
    status: v.status,
    reason: v.reason,
    ...(first
      ? {
          first_difference: {
            kind: first.kind,
            ...(first.audit !== undefined ? { audit: first.audit } : {}),
            ...(first.repeat !== undefined ? { repeat: first.repeat } : {})
          }
        }
      : {}),
    ...(v.differences ? { differences: [...v.differences] } : {}),
    outputs: { same: v.outputs.same, differences: [...v.outputs.differences] },
    fall_through: [...v.fall_through],
    ...(v.lineage && DIGEST.test(v.lineage) ? { lineage: v.lineage } : {}),
    ...(v.log && v.log.seq >= 1 ? { log: { session: v.log.session, seq: v.log.seq } } : {})
  };
}

/** The audit's cell metadata with the repeat's verdict added; the audit's fields untouched. */
export function withVerdict(meta: RetraceCellMetadata, verdict: CellVerdict): RetraceCellMetadata {
  return { ...meta, verdict: verdictForMetadata(verdict) };
}

export interface RepeatRun {
  session: string;
  finishedAt: string;
  /** The archive as the notebook names it (relative to it) or absolute, its hash, the mode it ran in. */
  container: { archive?: string; sha256?: string; mode?: RepeatMode };
  summary: RepeatSummary;
}

/** The container a repeat runs in, as the notebook names it (`retrace repeat` records the one it used). */
export interface NamedContainer {
  /** Relative to the notebook, or absolute. */
  archive: string;
  mode?: RepeatMode;
}

/** The notebook's metadata naming the container its repeats use; the audit's fields untouched. */
export function withContainer(meta: RetraceNotebookMetadata, container: NamedContainer): RetraceNotebookMetadata {
  return { ...meta, container: { archive: container.archive, ...(container.mode ? { mode: container.mode } : {}) } };
}

/** The notebook's metadata with the last repeat recorded; undefined for a notebook never audited (the schema needs the audit). */
export function withRepeat(meta: RetraceNotebookMetadata | undefined, run: RepeatRun): RetraceNotebookMetadata | undefined {
  if (!meta?.audit || !meta.environment) return undefined;
  const container: NonNullable<RetraceNotebookMetadata['repeat']>['container'] = {};
  if (run.container.archive) container.archive = run.container.archive;
  if (run.container.sha256 && DIGEST.test(run.container.sha256)) container.sha256 = run.container.sha256;
  if (run.container.mode) container.mode = run.container.mode;
  const { total, reproduced, changed, diverged, failed } = run.summary;
  return {
    ...meta,
    repeat: { session: run.session, finished_at: run.finishedAt, container, summary: { total, reproduced, changed, diverged, failed } }
  };
}

/**
 * The archive a repeat session ran, named as the notebook names it when that is the
 * same file (`nb.retrace.tar.gz` rather than `/home/me/work/nb.retrace.tar.gz`), so the
 * metadata does not carry the machine's folders; else as the session has it.
 */
export function archiveAsNamed(sessionArchive: string, named: string | undefined): string {
  if (!named) return sessionArchive;
  if (named.startsWith('/')) return named === sessionArchive ? named : sessionArchive;
  const parts = named.split('/').filter(p => p && p !== '.');
  if (parts.includes('..')) return sessionArchive;
  return sessionArchive.endsWith('/' + parts.join('/')) ? parts.join('/') : sessionArchive;
}
