import { Signal } from '@lumino/signaling';
import { describe, expect, it } from 'vitest';
import { validateCellMetadata, validateNotebookMetadata } from '../../core/metadata/validate';
import { CompanionError, type RetraceClient } from '../api';
import type { VerdictRequestBody } from '../../core/contract/http';
import type { CellVerdict } from '../../core/contract/verdict';
import { RepeatRecorder, type RepeatTally } from './repeat-recorder';

const digest = (c: string) => 'sha256:' + c.repeat(64);

const auditMeta = {
  code_hash: digest('a'),
  lineage: digest('b'),
  execution_count: 1,
  started_at: '2025-01-31T09:12:41.207Z',
  duration_ms: 12,
  status: 'complete',
  files: { read: [], written: [] },
  programs: [],
  network: [],
  counts: { system_files_read: 3, system_files_written: 0, processes: 1, events: 9 },
  log: { session: 'audit-1', seq: 1, events_sha256: digest('d') }
};

const notebookMeta = {
  spec_version: '1.1.0',
  audit: { session: 'audit-1', started_at: '2025-01-31T09:12:03.512Z', kernel: 'retrace-audit', retrace_version: '0.1.0' },
  environment: { python: '3.11.7', platform: 'Linux', machine: 'x86_64' },
  container: { archive: 'nb.retrace.tar.gz', mode: 'layered' }
};

/** Stand-ins for what the recorder touches of a cell and a notebook panel. */
function modelWith(metadata: Record<string, unknown>) {
  return {
    getMetadata: (key: string) => metadata[key],
    setMetadata: (key: string, value: unknown) => void (metadata[key] = value)
  };
}

function cell(id: string, source: string, count: number | null, metadata: Record<string, unknown> = {}) {
  return {
    isDisposed: false,
    model: {
      type: 'code',
      id,
      executionCount: count,
      sharedModel: { getSource: () => source },
      outputs: { toJSON: () => [{ output_type: 'stream', name: 'stdout', text: 'x\n' }] },
      ...modelWith(metadata)
    },
    metadata
  } as any;
}

/** A kernel connection as the recorder sees it: its id, name and status changes (`restart` emits one). */
function kernelOf(name: string) {
  const kernel = { id: 'k1', name, statusChanged: null as unknown as Signal<object, string>, restart: () => kernel.statusChanged.emit('restarting') };
  kernel.statusChanged = new Signal<object, string>(kernel);
  return kernel;
}

function panel(kernelName = 'retrace-repeat', metadata: Record<string, unknown> = { retrace: structuredClone(notebookMeta) }, cells: any[] = []) {
  const list = {
    get length() {
      return cells.length;
    },
    get: (i: number) => cells[i].model
  };
  return {
    isDisposed: false,
    sessionContext: { session: { kernel: kernelOf(kernelName) } },
    content: { model: { ...modelWith(metadata), cells: list } },
    metadata,
    cells
  } as any;
}

function client(answer: (body: VerdictRequestBody) => CellVerdict | Error) {
  const bodies: VerdictRequestBody[] = [];
  const runs: Array<string | undefined> = [];
  let run = 0;
  const c = {
    verdict: async (_kernel: string, asked: string | undefined, body: VerdictRequestBody) => {
      runs.push(asked);
      bodies.push(body);
      const a = answer(body);
      if (a instanceof Error) throw a;
      return a;
    },
    // Each restart of the kernel is a new run of it.
    session: async (_kernel: string, options?: { afterRun?: string }) => {
      if (options?.afterRun === `run-${run}` || run === 0) run++;
      return { id: 'k1', run: `run-${run}`, kind: 'repeat', audited: true, container: { archive: '/w/nb.retrace.tar.gz', hash: digest('f'), mode: 'layered' } };
    }
  } as unknown as RetraceClient;
  return { c, bodies, runs };
}

const verdict = (status: CellVerdict['status']): CellVerdict => ({
  status,
  reason: 'why',
  outputs: { same: true, differences: [] },
  fall_through: [],
  lineage: digest('e'),
  log: { session: 'k1', seq: 1 }
});

describe('the repeat recorder', () => {
  it('judges each cell, writes the verdict beside an audit, and the summary once the run is done', async () => {
    const { c, bodies } = client(b => verdict(b.cell_id === 'audited' ? 'reproduced' : 'changed'));
    const recorder = new RepeatRecorder(c);
    const nb = panel();
    const audited = cell('audited', 'x = 1', 1, { retrace: structuredClone(auditMeta) });
    const added = cell('added', 'y = 2', 2);
    nb.cells.push(audited, added);
    const finished: RepeatTally[] = [];
    recorder.finished.connect((_, t) => finished.push(t));

    recorder.noteScheduled(nb, audited);
    recorder.noteScheduled(nb, added);
    await recorder.noteExecuted(nb, audited, true);
    expect(finished).toEqual([]);
    await recorder.noteExecuted(nb, added, false, { errorName: 'NameError', errorValue: 'z' });

    expect(bodies[0]).toMatchObject({ cell_id: 'audited', execution_count: 1, reply: 'ok', outputs: [{ output_type: 'stream' }] });
    expect(bodies[0].code_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // the notebook's code cells go along, so the companion can match an audit without these ids
    expect(bodies[0].code_cells).toEqual([
      { id: 'audited', code_hash: bodies[0].code_hash },
      { id: 'added', code_hash: bodies[1].code_hash }
    ]);
    expect(bodies[1]).toMatchObject({ cell_id: 'added', reply: 'error', error: { ename: 'NameError', evalue: 'z' } });
    // Beside the audit, which stays as it was; a cell the audit never saw keeps its verdict in memory.
    const written = audited.metadata.retrace;
    expect(written.verdict.status).toBe('reproduced');
    expect({ ...written, verdict: undefined }).toEqual({ ...auditMeta, verdict: undefined });
    expect(validateCellMetadata(written)).toEqual({ ok: true });
    expect(added.metadata.retrace).toBeUndefined();
    expect(recorder.verdictOf(added.model)).toEqual({ verdict: verdict('changed'), codeHash: bodies[1].code_hash });

    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ session: 'k1', summary: { total: 2, reproduced: 1, changed: 1 }, pending: 0, interrupted: false });
    const repeat = nb.metadata.retrace.repeat;
    expect(repeat).toMatchObject({ session: 'k1', container: { archive: 'nb.retrace.tar.gz', sha256: digest('f'), mode: 'layered' } });
    expect(validateNotebookMetadata(nb.metadata.retrace)).toEqual({ ok: true });
  });

  it('counts cells skipped after an error as not run, and cells the companion refuses as unjudged', async () => {
    const { c, bodies } = client(() => new CompanionError('retrace could not start the repeat sandbox: no bwrap', 409));
    const recorder = new RepeatRecorder(c);
    const nb = panel();
    const refused: boolean[] = [];
    recorder.unjudged.connect((_, u) => refused.push(u.refused));
    const ran = cell('a', 'print(1)', 1);
    const skipped = cell('b', 'print(2)', null);
    const blank = cell('c', '  ', null);
    for (const x of [ran, skipped, blank]) recorder.noteScheduled(nb, x);
    const settled = recorder.whenSettled(nb);
    await recorder.noteExecuted(nb, ran, true);
    await recorder.noteExecuted(nb, skipped, false, {});
    await recorder.noteExecuted(nb, blank, true);
    expect(await settled).toMatchObject({ summary: { total: 0 }, notRun: 1, unjudged: 1, pending: 0 });
    expect(bodies).toHaveLength(1);
    expect(refused).toEqual([true]);
    // Nothing judged: no summary written.
    expect(nb.metadata.retrace.repeat).toBeUndefined();
  });

  it('leaves other kernels alone, and ends a run whose kernel went away', async () => {
    const { c, bodies } = client(() => verdict('reproduced'));
    const recorder = new RepeatRecorder(c);
    const audit = panel('retrace-audit');
    const a = cell('a', 'x', 1);
    recorder.noteScheduled(audit, a);
    await recorder.noteExecuted(audit, a, true);
    expect(bodies).toHaveLength(0);
    expect(await recorder.whenSettled(audit)).toBeUndefined();

    const nb = panel();
    recorder.noteScheduled(nb, cell('b', 'x', 1));
    const settled = recorder.whenSettled(nb);
    recorder.reset(nb);
    expect(await settled).toMatchObject({ pending: 1, interrupted: true });
  });

  it('asks for the verdicts of the run it is talking to, and drops what was queued before a restart', async () => {
    const { c, bodies, runs } = client(() => verdict('reproduced'));
    const recorder = new RepeatRecorder(c);
    const nb = panel();
    const kernel = nb.sessionContext.session.kernel;
    const a = cell('a', 'x = 1', 1, { retrace: structuredClone(auditMeta) });
    recorder.noteScheduled(nb, a);
    await recorder.noteExecuted(nb, a, true);
    expect(runs).toEqual(['run-1']);

    // Queued, then the kernel restarts (same id): that execution is never judged.
    const b = cell('b', 'y = 2', 2);
    recorder.noteScheduled(nb, b);
    kernel.restart();
    recorder.reset(nb);
    await recorder.noteExecuted(nb, b, false);
    expect(bodies).toHaveLength(1);

    // Run again after the restart: judged in the new run, with the source queued now.
    b.model.sharedModel.getSource = () => 'y = 3';
    recorder.noteScheduled(nb, b);
    await recorder.noteExecuted(nb, b, true);
    expect(runs).toEqual(['run-1', 'run-2']);
    expect(bodies[1].code_hash).toBe(await (await import('../../core/lineage/digest')).codeHash('y = 3'));
  });
});
