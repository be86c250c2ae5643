/**
 * Checks the body of `POST /api/sessions/<kernel-id>/verdict` (its shape:
 * core/contract/http.ts) before the companion trusts it: what is wrong, in words for
 * the one who sent it. Pure.
 */
import type { Output } from '../contract/output';
import type { VerdictRequestBody } from '../contract/http';
import { InputError } from '../errors';

/** What is wrong with a request body, in words for the one who sent it. */
export class VerdictRequestError extends InputError {}

const REPLIES = new Set(['ok', 'error', 'aborted']);
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseVerdictRequestBody(x: unknown): VerdictRequestBody {
  const fail = (why: string): never => {
    throw new VerdictRequestError(`bad verdict request: ${why}`);
  };
  if (!x || typeof x !== 'object' || Array.isArray(x)) fail('expected a JSON object');
  const b = x as Record<string, unknown>;
  if (typeof b.cell_id !== 'string' || !b.cell_id) fail('"cell_id" must be a non-empty string');
  if (!Number.isInteger(b.execution_count) || (b.execution_count as number) < 0) fail('"execution_count" must be an integer ≥ 0');
  if (typeof b.code_hash !== 'string' || !DIGEST.test(b.code_hash)) fail('"code_hash" must be sha256: and 64 hex digits');
  if (typeof b.reply !== 'string' || !REPLIES.has(b.reply)) fail('"reply" must be "ok", "error" or "aborted"');
  if (!Array.isArray(b.outputs) || b.outputs.some(o => !o || typeof o !== 'object' || typeof (o as Output).output_type !== 'string')) {
    fail('"outputs" must be a list of nbformat outputs');
  }
  const body: VerdictRequestBody = {
    cell_id: b.cell_id as string,
    execution_count: b.execution_count as number,
    code_hash: b.code_hash as string,
    reply: b.reply as VerdictRequestBody['reply'],
    outputs: b.outputs as Output[]
  };
  if (b.code_cells !== undefined) {
    const ok =
      Array.isArray(b.code_cells) && b.code_cells.every(c => c && typeof c.id === 'string' && typeof c.code_hash === 'string' && DIGEST.test(c.code_hash));
    if (!ok) fail('"code_cells" must be a list of { id, code_hash } (code_hash: sha256: and 64 hex digits)');
    body.code_cells = (b.code_cells as Array<{ id: string; code_hash: string }>).map(c => ({ id: c.id, code_hash: c.code_hash }));
  }
  if (b.error !== undefined && b.error !== null) {
    const e = b.error as Record<string, unknown>;
    if (typeof e !== 'object' || typeof e.ename !== 'string' || typeof e.evalue !== 'string') fail('"error" must be { ename, evalue } strings');
    body.error = { ename: e.ename as string, evalue: e.evalue as string };
  }
  return body;
}
