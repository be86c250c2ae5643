import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RetraceCellMetadata } from '../../core/contract/metadata';
import type { CellRecord } from '../../core/contract/records';
import type { CellVerdict } from '../../core/contract/verdict';
import { auditedCellMetadata, auditedNotebookMetadata, digest } from '../../core/metadata/metadata-fixtures';
import { validateCellMetadata, validateNotebookMetadata } from '../../core/metadata/validate';
import type { Notebook, NotebookCell } from '../../core/notebook/parse';
import { judgeCell } from '../../core/repeat/verdict';
import { writeRepeatInto, type CliRepeatRun } from './repeat-writeback';

const hashImage = (base64: string) => 'sha256:' + createHash('sha256').update(base64).digest('hex');

const record = (seq: number, lineage: string, readHash = digest('c')): CellRecord =>
  ({
    session: 'repeat-1',
    seq,
    cellId: null,
    reads: [{ path: 'data.csv', sha256: readHash, size: 12 }],
    writes: [],
    programs: [],
    lineageEvents: { main: [], children: [], pool: [] },
    previousLineage: digest('0'),
    lineage,
    fallThrough: ['/etc/hosts']
  }) as unknown as CellRecord;

const stdout = (text: string) => ({ output_type: 'stream', name: 'stdout', text });

/** A notebook as `retrace repeat` has it after running: audited cells, a new one, markdown; an older container and repeat. */
function ranNotebook(): Notebook {
  const code = (n: number, audited: boolean): NotebookCell => ({
    id: `c${n}`,
    cell_type: 'code',
    source: `print(${n})`,
    metadata: audited ? { retrace: auditedCellMetadata(n) } : { tags: ['new'] },
    outputs: [stdout(`${n}\n`)],
    execution_count: n + 1
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'retrace-repeat', display_name: 'Python (retrace repeat)' },
      retrace: {
        ...auditedNotebookMetadata(),
        container: { archive: 'old.retrace.tar.gz' },
        repeat: { session: 'repeat-0', finished_at: '2025-01-31T10:00:00.000Z', summary: { total: 1, reproduced: 1, changed: 0, diverged: 0, failed: 0 } }
      }
    },
    cells: [code(0, true), { id: 'm', cell_type: 'markdown', source: '# x', metadata: {} }, code(1, true), code(2, true), code(3, true), code(4, false)]
  };
}

/** The verdicts the judge gives those cells: reproduced, diverged, changed, failed, and changed for the new one. */
function verdictsOf(nb: Notebook): Array<{ cell: NotebookCell; verdict: CellVerdict }> {
  const [c0, , c1, c2, c3, c4] = nb.cells;
  const audit = (c: NotebookCell) => ({ metadata: c.metadata.retrace as RetraceCellMetadata | undefined, outputs: [stdout('0\n')] });
  const repeat = (
    c: NotebookCell,
    rec: CellRecord | undefined,
    codeHash = (c.metadata.retrace as RetraceCellMetadata | undefined)?.code_hash ?? digest('f')
  ) => ({
    codeHash,
    record: rec,
    reply: rec ? ('ok' as const) : ('dead' as const),
    outputs: c.outputs ?? [],
    mode: 'layered' as const
  });
  return [
    { cell: c0, verdict: judgeCell(audit(c0), repeat(c0, record(1, auditedCellMetadata(0).lineage)), hashImage) },
    { cell: c1, verdict: judgeCell(audit(c1), repeat(c1, record(2, digest('e'), digest('9'))), hashImage) },
    { cell: c2, verdict: judgeCell(audit(c2), repeat(c2, record(3, digest('f')), digest('7')), hashImage) },
    { cell: c3, verdict: judgeCell(audit(c3), repeat(c3, undefined), hashImage) },
    { cell: c4, verdict: judgeCell(audit(c4), repeat(c4, record(5, digest('8'))), hashImage) }
  ];
}

const run: CliRepeatRun = {
  session: 'repeat-1',
  finishedAt: '2025-02-01T10:00:00.000Z',
  container: { archive: 'nb.retrace.tar.gz', sha256: digest('f'), mode: 'layered' },
  summary: { total: 5, reproduced: 1, changed: 2, diverged: 1, failed: 1 }
};

/** How server/cli/repeat.ts wrote these by hand before it used core/metadata/repeat-metadata.ts: the reference. */
function previousWriter(nb: Notebook, verdicts: Array<{ cell: NotebookCell; verdict: CellVerdict }>, r: CliRepeatRun): void {
  for (const { cell, verdict } of verdicts) {
    const own = cell.metadata.retrace as RetraceCellMetadata | undefined;
    if (own) cell.metadata.retrace = { ...own, verdict };
  }
  const nbMeta = nb.metadata.retrace ?? {};
  const { archive, sha256, mode } = r.container;
  if (nbMeta.audit) {
    nb.metadata.retrace = {
      ...nbMeta,
      container: { archive, mode },
      repeat: { session: r.session, finished_at: r.finishedAt, container: { archive, sha256, mode }, summary: r.summary }
    };
  }
}

const written = (write: typeof writeRepeatInto, shape: (nb: Notebook) => Notebook = nb => nb): string => {
  const nb = shape(ranNotebook());
  write(nb, verdictsOf(nb), run);
  return JSON.stringify(nb, null, 1) + '\n';
};

describe('the notebook retrace repeat writes', () => {
  it('is, byte for byte, what the CLI wrote by hand before it used the core writers', () => {
    const verdicts = verdictsOf(ranNotebook()).map(v => v.verdict.status);
    expect(verdicts).toEqual(['reproduced', 'diverged', 'changed', 'failed', 'changed']);
    expect(verdictsOf(ranNotebook())[1].verdict.differences?.length).toBeGreaterThan(0);
    expect(written(writeRepeatInto)).toBe(written(previousWriter));
  });

  it('is so too for a notebook that names no container and has no repeat yet', () => {
    const bare = (nb: Notebook) => {
      delete nb.metadata.retrace.container;
      delete nb.metadata.retrace.repeat;
      return nb;
    };
    expect(written(writeRepeatInto, bare)).toBe(written(previousWriter, bare));
  });

  it('leaves a notebook never audited without notebook metadata, as before', () => {
    const unaudited = (nb: Notebook) => {
      delete nb.metadata.retrace;
      return nb;
    };
    expect(written(writeRepeatInto, unaudited)).toBe(written(previousWriter, unaudited));
  });

  it('is valid under the metadata schema', () => {
    const nb = JSON.parse(written(writeRepeatInto)) as Notebook;
    expect(validateNotebookMetadata(nb.metadata.retrace)).toEqual({ ok: true });
    for (const cell of nb.cells.filter(c => c.metadata.retrace)) expect(validateCellMetadata(cell.metadata.retrace)).toEqual({ ok: true });
  });
});
