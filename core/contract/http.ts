/**
 * Bodies of the companion's HTTP API that exist for it alone (the documents it serves
 * have their own files here: records.ts, environment.ts, dependencies.ts,
 * packaging.ts, verdict.ts). The routes that carry them: routes.ts.
 */
import type { Diagnosis, EnvironmentReport } from './environment';
import type { Output } from './output';

/** `GET /api/health`. */
export interface Health {
  name: string;
  version: string;
  status: string;
}

/** `GET /api/environment`: the report and what it means here. */
export interface EnvironmentResponse {
  report: EnvironmentReport;
  diagnosis: Diagnosis;
}

/**
 * The body of `POST /api/sessions/<kernel-id>/verdict`: what the frontend knows about
 * one cell execution of a repeat (which cell, the hash of the source that ran, the
 * kernel's reply, the outputs as nbformat has them). The companion adds the repeat's
 * record of it and the audit, and answers with the cell's verdict.
 */
export interface VerdictRequestBody {
  cell_id: string;
  execution_count: number;
  /** `sha256:` of the source that ran (core/lineage/digest.ts `codeHash`). */
  code_hash: string;
  reply: 'ok' | 'error' | 'aborted';
  error?: { ename: string; evalue: string };
  outputs: Output[];
  /**
   * The notebook's code cells (id, hash of their source) as the cell ran: lets the
   * companion match cells to an audit that has no ids (nbformat 4.4) or other ones.
   */
  code_cells?: Array<{ id: string; code_hash: string }>;
}
