/**
 * A cell's verdict for a repeat running in JupyterLab: the frontend knows the cell
 * (its id, source hash, reply and outputs), the repeat session knows its container,
 * and the container holds the audit (the audited notebook and its cell records).
 * The companion puts them together with the same judge `retrace repeat` uses.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_KEY, type RetraceCellMetadata } from '../../core/contract/metadata';
import type { Output } from '../../core/contract/output';
import type { CellRecord, SessionMeta } from '../../core/contract/records';
import { judgeCell } from '../../core/repeat/verdict';
import type { CellVerdict } from '../../core/contract/verdict';
import { sourceText } from '../../core/lineage/digest';
import { matchOne } from '../../core/notebook/match-cells';
import type { NotebookCell } from '../../core/notebook/parse';
import { containersRoot } from '../container/unpack';
import { unpackedLayout, type UnpackedLayout } from '../container/unpacked-layout';
import { loadAuditSide } from './audit-side';

export interface VerdictRequest {
  cellId: string;
  codeHash: string;
  reply: 'ok' | 'error' | 'aborted' | 'dead';
  error?: { ename: string; evalue: string };
  outputs: Output[];
  /** The notebook's code cells as the cell ran, to match cells without (the audit's) ids. */
  codeCells?: Array<{ id: string; code_hash: string }>;
}

export class VerdictError extends Error {}

/** The unpacked container a repeat session ran in (it is in the cache: the kernel unpacked it). */
function containerOf(meta: SessionMeta): UnpackedLayout {
  if (meta.kind !== 'repeat' || !meta.container) throw new VerdictError(`session ${meta.id} is not a repeat`);
  const dir = join(containersRoot(), meta.container.hash.replace(/^sha256:/, ''));
  const layout = unpackedLayout(dir);
  if (!existsSync(layout.notebookPath)) throw new VerdictError(`the container of session ${meta.id} is no longer in the cache (${dir})`);
  return layout;
}

const sourceHash = (source: string | string[]) => 'sha256:' + createHash('sha256').update(sourceText(source)).digest('hex');

export function judgeExecution(meta: SessionMeta, record: CellRecord | undefined, req: VerdictRequest): CellVerdict {
  const container = containerOf(meta);
  const audited = JSON.parse(readFileSync(container.notebookPath, 'utf8'));
  const code = ((audited.cells ?? []) as NotebookCell[]).filter(c => c.cell_type === 'code');
  const keys = code.map(c => ({ id: c.id, codeHash: (c.metadata?.[METADATA_KEY] as RetraceCellMetadata | undefined)?.code_hash ?? sourceHash(c.source) }));
  const at = matchOne(
    keys,
    { id: req.cellId, codeHash: req.codeHash },
    req.codeCells?.map(c => ({ id: c.id, codeHash: c.code_hash }))
  );
  const cell = at === undefined ? undefined : code[at];
  return judgeCell(
    loadAuditSide(container, cell),
    { codeHash: req.codeHash, record, reply: req.reply, error: req.error, outputs: req.outputs, mode: meta.container!.mode },
    base64 => 'sha256:' + createHash('sha256').update(base64).digest('hex')
  );
}
