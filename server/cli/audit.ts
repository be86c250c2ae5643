/**
 * `retrace audit NOTEBOOK [-o OUTPUT]`: run every code cell in order under the audit
 * kernel, in the notebook's folder, and write the executed notebook with its outputs
 * and `retrace` metadata. Stops at the first cell that raises, still writing what was
 * captured, and exits non-zero naming that cell.
 */
import { existsSync, readFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { Session } from '@jupyterlab/services';
import { codeHash, sourceText } from '../../core/lineage/digest';
import { cellMetadata } from '../../core/metadata/cell-metadata';
import { notebookMetadata } from '../../core/metadata/notebook-metadata';
import { METADATA_KEY } from '../../core/contract/metadata';
import { ensureCellIds } from '../../core/notebook/cell-ids';
import { parseNotebook, type Notebook, type NotebookCell } from '../../core/notebook/parse';
import { RETRACE_VERSION } from '../../core/version';
import { executeCode, type ExecuteResult } from '../runner/execute';
import { startJupyterServer, stopOnInterrupt } from '../runner/jupyter-server';
import { writeFileAtomic } from '../store/atomic';
import { readCellRecords, readSessionMeta } from '../store/sessions';
import { AUDIT_KERNEL_NAME } from '../../core/contract/kernels';
import { kernelExit, waitForSessionEnd } from '../runner/session-wait';
import type { CommandHelp } from './command-help';

export const auditHelp: CommandHelp = {
  name: 'audit',
  summary: "run every code cell under the audit kernel and save each one's provenance",
  usage: `usage: retrace audit NOTEBOOK [-o OUTPUT]

Runs every code cell of NOTEBOOK in order under the audit kernel (strace records what
each cell reads, writes, runs and connects to), in the notebook's folder, and writes
the notebook with its outputs and retrace metadata. It stops at a cell that raises,
still writing what ran, the interrupted cell marked incomplete.

arguments:
  NOTEBOOK             the notebook to run (nbformat 4; cells get ids where they have none)

options:
  -o, --output OUTPUT  where to write the audited notebook (default: NOTEBOOK, in place)
  -h, --help           print this message

exit status: 0 every cell ran and was recorded; 1 a cell raised, the kernel died, or a
cell that ran has no provenance record (the cell is named); 2 bad input (no such file,
not a notebook, an unknown option).

example:
  retrace audit examples/hep-dimuon.ipynb -o audited.ipynb
`
};

export interface AuditOptions {
  notebook: string;
  output?: string;
  python: string;
  log?: (line: string) => void;
}

type Reply = ExecuteResult['status'] | 'dead';

export async function auditNotebook(opts: AuditOptions): Promise<number> {
  const log = opts.log ?? (line => process.stdout.write(line + '\n'));
  const file = resolve(opts.notebook);
  if (!existsSync(file)) throw new Error(`${opts.notebook}: no such file`);
  const nb = parseNotebook(readFileSync(file, 'utf8'), opts.notebook);
  const output = resolve(opts.output ?? file);
  // Every cell needs an id for its repeat to be matched with it; old notebooks have none.
  const ids = ensureCellIds(nb);
  const code = nb.cells.filter(c => c.cell_type === 'code');

  const server = await startJupyterServer({ python: opts.python, root: dirname(file) });
  const stopListening = stopOnInterrupt(server, line => log(`retrace audit: ${line}`));
  let session: Session.ISessionConnection | undefined;
  const replies = new Map<NotebookCell, Reply>();
  let failed: { index: number; cell: NotebookCell; why: string } | undefined;
  try {
    session = await server.sessions.startNew({ path: basename(file), name: basename(file), type: 'notebook', kernel: { name: AUDIT_KERNEL_NAME } });
    const kernel = session.kernel!;
    const info = await kernel.info;
    const pythonVersion = info.language_info.version ?? 'unknown';
    log(`retrace audit: ${code.length} code cells of ${opts.notebook} on kernel ${kernel.id}`);
    if (ids.assigned.length)
      log(
        `retrace audit: gave ${ids.assigned.length} cells ids (nbformat 4.5)${ids.upgradedFrom !== undefined ? `; the notebook was nbformat 4.${ids.upgradedFrom}` : ''}`
      );
    for (const [i, cell] of code.entries()) {
      const source = sourceText(cell.source);
      const started = Date.now();
      let result: ExecuteResult | undefined;
      const watch = new AbortController();
      try {
        result = await Promise.race([executeCode(kernel, source, { cellId: cell.id }), kernelExit(kernel.id, watch.signal)]);
      } catch (e) {
        replies.set(cell, 'dead');
        failed = { index: i, cell, why: `the kernel died (${e instanceof Error ? e.message : e})` };
      } finally {
        watch.abort();
      }
      if (result) {
        cell.outputs = result.outputs;
        cell.execution_count = result.executionCount;
        replies.set(cell, result.status);
        if (result.status !== 'ok') failed = { index: i, cell, why: result.error ? `${result.error.ename}: ${result.error.evalue}` : result.status };
      }
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      log(`  [${i + 1}/${code.length}] ${cell.id ?? '(no id)'} ${failed?.cell === cell ? 'FAILED' : 'ok'} ${secs}s`);
      if (failed) break;
    }
    const kernelId = kernel.id;
    await session.shutdown().catch(() => undefined);
    session = undefined;
    const ended = await waitForSessionEnd(kernelId, { onSlow: () => log('retrace audit: waiting for the launcher to finish analysing the trace') });
    const unrecorded = await annotate(nb, code, replies, kernelId, pythonVersion);
    // A cell that ran but has no record must not pass for an audited one.
    if (unrecorded.length && !failed) {
      const index = code.indexOf(unrecorded[0]);
      failed = {
        index,
        cell: unrecorded[0],
        why: `no provenance was recorded for ${unrecorded.length === 1 ? 'it' : `it and ${unrecorded.length - 1} later cells`} (${ended ? 'the launcher ended without a record of it' : 'the launcher did not finish analysing the trace'})`
      };
    }
  } finally {
    stopListening();
    await session?.shutdown().catch(() => undefined);
    await server.stop();
  }

  writeFileAtomic(output, JSON.stringify(nb, null, 1) + '\n', 'user');
  log(`wrote ${output}`);
  if (failed) {
    process.stderr.write(`retrace audit: cell ${failed.index + 1} (${failed.cell.id ?? 'no id'}) failed: ${failed.why}\n`);
    return 1;
  }
  return 0;
}

async function annotate(
  nb: Notebook,
  code: NotebookCell[],
  replies: Map<NotebookCell, Reply>,
  kernelId: string,
  pythonVersion: string
): Promise<NotebookCell[]> {
  const meta = readSessionMeta(kernelId);
  const records = readCellRecords(kernelId);
  const unrecorded: NotebookCell[] = [];
  // Executions were made one per cell in order, so the n-th record is the n-th cell run.
  for (const [i, cell] of code.entries()) {
    const reply = replies.get(cell);
    const record = records[i];
    if (!reply) continue;
    if (!record) {
      unrecorded.push(cell);
      continue;
    }
    if (record.cellId && cell.id && record.cellId !== cell.id) {
      throw new Error(`trace of execution ${record.seq} is of cell ${record.cellId}, expected ${cell.id}`);
    }
    cell.metadata[METADATA_KEY] = cellMetadata(record, await codeHash(cell.source), reply === 'dead' ? undefined : reply);
  }
  nb.metadata[METADATA_KEY] = notebookMetadata({
    session: kernelId,
    startedAt: meta?.startedAt ?? new Date().toISOString(),
    retraceVersion: RETRACE_VERSION,
    python: pythonVersion,
    platform: `${platform()} ${release()}`,
    machine: arch(),
    strace: meta?.strace?.version
  });
  return unrecorded;
}
