/**
 * A repeat's verdict on one cell as it is stored (cell metadata `retrace.verdict`) and
 * answered (`POST /api/sessions/<id>/verdict`). Types only: how a verdict is reached
 * is core/repeat/verdict.ts, how outputs are compared core/diff/outputs.ts.
 */

export type VerdictStatus = 'reproduced' | 'changed' | 'diverged' | 'failed';

/** Outputs of two executions of a cell, compared (text exactly, images by hash). */
export interface OutputComparison {
  same: boolean;
  /** One line per difference: `output 2 (image/png) differs`. */
  differences: string[];
}

export interface CellVerdict {
  status: VerdictStatus;
  /** One line, for tables and badges. */
  reason: string;
  /** The first difference found, when diverged. */
  first_difference?: { kind: 'file' | 'event' | 'earlier-cell' | 'lineage'; audit?: string; repeat?: string };
  /** When diverged: every first difference, one line each (core/diff/describe.ts), outputs aside. */
  differences?: string[];
  outputs: OutputComparison;
  /** Files the repeat took from the host, not the container. */
  fall_through: string[];
  /** The repeat's lineage and where its record is. */
  lineage?: string;
  log?: { session: string; seq: number };
}
