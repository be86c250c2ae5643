/**
 * `retrace repeat NOTEBOOK [--container ARCHIVE] [-o OUTPUT] [--strict]`: run every
 * code cell under the repeat kernel, in the container, then compare each with its
 * audit and write the notebook with outputs and verdicts. Prints a table and exits 1
 * when a cell diverged or failed (with --strict also when one changed), so a CI job
 * can gate on it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import type { Session } from '@jupyterlab/services';
import { REPEAT_KERNEL_NAME } from '../../core/contract/kernels';
import { InputError } from '../../core/errors';
import { codeHash, sourceText } from '../../core/lineage/digest';
import { METADATA_KEY, type RepeatSummary, type RetraceCellMetadata } from '../../core/contract/metadata';
import { matchedIndex } from '../../core/notebook/match-cells';
import { parseNotebook, type NotebookCell } from '../../core/notebook/parse';
import type { Output } from '../../core/contract/output';
import type { CellRecord } from '../../core/contract/records';
import { judgeCell, summarize } from '../../core/repeat/verdict';
import type { CellVerdict } from '../../core/contract/verdict';
import { openContainer } from '../container/unpack';
import { loadAuditSide } from '../repeat/audit-side';
import { writeRepeatInto } from './repeat-writeback';
import { CONTAINER_ENV, locateContainer, MODE_ENV } from '../repeat/locate-container';
import { executeCode, type ExecuteResult } from '../runner/execute';
import { startJupyterServer, stopOnInterrupt } from '../runner/jupyter-server';
import { kernelExit, waitForSessionEnd } from '../runner/session-wait';
import { writeFileAtomic } from '../store/atomic';
import { readCellRecords, readSessionMeta } from '../store/sessions';
import type { CommandHelp } from './command-help';

export const repeatHelp: CommandHelp = {
  name: 'repeat',
  summary: 'run a notebook in its container and say which cells reproduced its audit',
  usage: `usage: retrace repeat NOTEBOOK [--container ARCHIVE] [-o OUTPUT] [--strict]

Runs every code cell of NOTEBOOK under the repeat kernel, with the audited interpreter
and libraries from its container in a bubblewrap sandbox, then compares each cell with
its audit and writes the notebook with its outputs and a verdict per cell: reproduced,
changed (code edited since the audit), diverged (another lineage, with the first
difference) or failed. Prints a table of the verdicts.

arguments:
  NOTEBOOK             the notebook to repeat (audited, then packaged)

options:
  --container ARCHIVE  the container to run in (default: the one the notebook's metadata
                       names, else NOTEBOOK-STEM.retrace.tar.gz beside it)
  -o, --output OUTPUT  where to write the repeated notebook (default: NOTEBOOK, in place)
  --strict             take nothing from the host that the container lacks, to prove it
                       complete, and count a changed cell as not reproduced (default:
                       layered, paths the audit never saw come from the host)
  -h, --help           print this message

exit status: 0 every cell reproduced (or changed, without --strict); 1 a cell diverged,
failed or did not run, or with --strict changed; 2 bad input (no such file, no
container, an unknown option).

example:
  retrace repeat nb.ipynb --container nb.retrace.tar.gz --strict
`
};

export { REPEAT_KERNEL_NAME };

export interface RepeatOptions {
  notebook: string;
  container?: string;
  output?: string;
  strict: boolean;
  python: string;
  log?: (line: string) => void;
}

interface Ran {
  cell: NotebookCell;
  reply: 'ok' | 'error' | 'aborted' | 'dead';
  error?: { ename: string; evalue: string };
}

export async function repeatNotebook(opts: RepeatOptions): Promise<number> {
  const log = opts.log ?? (line => process.stdout.write(line + '\n'));
  const file = resolve(opts.notebook);
  if (!existsSync(file)) throw new Error(`${opts.notebook}: no such file`);
  const nb = parseNotebook(readFileSync(file, 'utf8'), opts.notebook);
  const output = resolve(opts.output ?? file);
  const archive = opts.container ? resolve(opts.container) : locateContainer({ JPY_SESSION_NAME: file }, dirname(file));
  if (!existsSync(archive)) throw new Error(`${opts.container ?? archive}: no such file`);
  const mode = opts.strict ? 'strict' : 'layered';

  // Unpack (or find in the cache) first: a bad archive is reported before any kernel starts.
  const container = await openContainer(archive);
  const audited = parseNotebook(readFileSync(container.notebookPath, 'utf8'), `${basename(archive)}:notebook.ipynb`);
  const code = nb.cells.filter(c => c.cell_type === 'code');
  const auditFor = await auditCellsFor(audited.cells, code);

  const server = await startJupyterServer({
    python: opts.python,
    root: dirname(file),
    env: { ...process.env, [CONTAINER_ENV]: archive, [MODE_ENV]: mode }
  });
  const stopListening = stopOnInterrupt(server, line => log(`retrace repeat: ${line}`));
  let session: Session.ISessionConnection | undefined;
  const ran: Ran[] = [];
  let kernelId: string;
  try {
    session = await server.sessions.startNew({ path: basename(file), name: basename(file), type: 'notebook', kernel: { name: REPEAT_KERNEL_NAME } });
    const kernel = session.kernel!;
    kernelId = kernel.id;
    await kernel.info;
    const meta = readSessionMeta(kernelId);
    if (meta && !meta.audited) throw new InputError(meta.notAuditedReason ?? 'the repeat sandbox did not start');
    log(`retrace repeat: ${code.length} code cells of ${opts.notebook} in ${relative(process.cwd(), archive) || archive} (${mode})`);
    for (const [i, cell] of code.entries()) {
      const started = Date.now();
      const watch = new AbortController();
      let result: ExecuteResult | undefined;
      try {
        result = await Promise.race([executeCode(kernel, sourceText(cell.source), { cellId: cell.id }), kernelExit(kernelId, watch.signal)]);
      } catch {
        ran.push({ cell, reply: 'dead' });
      } finally {
        watch.abort();
      }
      if (result) {
        cell.outputs = result.outputs;
        cell.execution_count = result.executionCount;
        ran.push({ cell, reply: result.status, error: result.error });
      }
      log(`  [${i + 1}/${code.length}] ${cell.id ?? '(no id)'} ran (${result?.status ?? 'kernel died'}) ${((Date.now() - started) / 1000).toFixed(1)}s`);
      if (!result) break;
    }
    await session.shutdown().catch(() => undefined);
    session = undefined;
    await waitForSessionEnd(kernelId, { onSlow: () => log('retrace repeat: waiting for the launcher to finish analysing the trace') });
  } finally {
    stopListening();
    await session?.shutdown().catch(() => undefined);
    await server.stop();
  }

  const records = readCellRecords(kernelId);
  const verdicts: Array<{ cell: NotebookCell; verdict: CellVerdict }> = [];
  for (const [i, { cell, reply, error }] of ran.entries()) {
    const record: CellRecord | undefined = records[i];
    const verdict = judgeCell(
      loadAuditSide(container, auditFor[i]),
      { codeHash: await codeHash(cell.source), record, reply, error, outputs: (cell.outputs ?? []) as Output[], mode },
      base64 => 'sha256:' + createHash('sha256').update(base64).digest('hex')
    );
    verdicts.push({ cell, verdict });
  }
  const summary = summarize(verdicts.map(v => v.verdict));
  const archiveShown = relative(dirname(output), archive);
  writeRepeatInto(nb, verdicts, {
    session: kernelId,
    finishedAt: new Date().toISOString(),
    container: { archive: archiveShown, sha256: container.archiveHash, mode },
    summary
  });
  writeFileAtomic(output, JSON.stringify(nb, null, 1) + '\n', 'user');

  log(formatVerdictTable(verdicts.map(v => ({ id: v.cell.id, verdict: v.verdict }))));
  const notRun = code.length - ran.length;
  log(`${summary.reproduced} of ${code.length} cells reproduced` + (notRun ? `; ${notRun} not run (the kernel died)` : '') + `. Wrote ${output}`);
  return exitCode(summary, notRun, opts.strict);
}

/**
 * 1 when the notebook did not reproduce: a cell diverged or failed, or did not run; with
 * --strict also when a cell was changed (edited, or not matched to any audited cell),
 * since then the notebook that ran is not the one audited.
 */
export function exitCode(summary: RepeatSummary, notRun: number, strict: boolean): number {
  return summary.diverged || summary.failed || notRun || (strict && summary.changed) ? 1 : 0;
}

/** For each code cell to run, the audited cell it repeats (by id, else by code and position: core/notebook/match-cells.ts). */
async function auditCellsFor(auditedCells: NotebookCell[], code: NotebookCell[]): Promise<Array<NotebookCell | undefined>> {
  const audit = auditedCells.filter(c => c.cell_type === 'code');
  const key = async (c: NotebookCell, ran: boolean) => ({
    id: c.id,
    codeHash: (ran ? (c.metadata?.[METADATA_KEY] as RetraceCellMetadata | undefined)?.code_hash : undefined) ?? (await codeHash(c.source))
  });
  const auditKeys = await Promise.all(audit.map(c => key(c, true)));
  const ownKeys = await Promise.all(code.map(c => key(c, false)));
  return matchedIndex(auditKeys, ownKeys).map(i => (i === undefined ? undefined : audit[i]));
}

export function formatVerdictTable(rows: Array<{ id?: string; verdict: CellVerdict }>): string {
  const lines = [['CELL', 'ID', 'VERDICT', 'OUTPUTS', 'WHY']];
  rows.forEach((r, i) =>
    lines.push([String(i + 1), r.id ?? '-', r.verdict.status, r.verdict.outputs.same ? 'same' : r.verdict.outputs.differences.join('; '), r.verdict.reason])
  );
  const widths = lines[0].map((_, c) => Math.max(...lines.map(l => l[c].length)));
  return lines.map(l => '  ' + l.map((v, c) => (c === l.length - 1 ? v : v.padEnd(widths[c]))).join('  ')).join('\n');
}
