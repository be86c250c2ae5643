import { Signal } from '@lumino/signaling';
import { describe, expect, it } from 'vitest';
import type { RetraceClient } from '../api';
import type { CellRecord, SessionMeta } from '../../core/contract/records';
import { AuditRecorder } from './audit-recorder';

const digest = (c: string) => 'sha256:' + c.repeat(64);

function record(run: string, cellId: string, count: number, lineage: string): CellRecord {
  return {
    session: 'k1',
    run,
    seq: count,
    cellId,
    executionCount: count,
    beginTime: 1_700_000_000 + count,
    endTime: 1_700_000_001 + count,
    closedBy: 'end',
    reads: [],
    writes: [],
    readPaths: [],
    writePaths: [],
    programs: [],
    software: [],
    network: [],
    systemFilesRead: 0,
    systemFilesWritten: 0,
    processes: 1,
    events: 3,
    lineageEvents: { main: [], children: [], pool: [] },
    eventsDigest: digest('d'),
    previousLineage: digest('0'),
    lineage
  };
}

/** An audit kernel k1 that a restart gives a new run; the companion answers `answer` for records. */
function setUp(answer: (run: string | undefined, cellId: string, count: number) => CellRecord | undefined) {
  const state = { run: 'r1', startedAt: '2026-01-01T10:00:00.000Z' };
  const client = {
    session: async (_id: string, o: { afterRun?: string } = {}) =>
      state.run === o.afterRun ? undefined : ({ id: 'k1', run: state.run, startedAt: state.startedAt, audited: true } as SessionMeta),
    execution: async (_id: string, run: string | undefined, cellId: string, count: number) => answer(run, cellId, count),
    environment: async () => undefined
  } as unknown as RetraceClient;
  const kernel = { id: 'k1', name: 'retrace-audit', info: Promise.resolve(undefined), statusChanged: null as unknown as Signal<object, string> };
  kernel.statusChanged = new Signal<object, string>(kernel);
  const nbMeta: Record<string, any> = {};
  const panel = {
    sessionContext: { session: { kernel } },
    content: {
      model: {
        sharedModel: { nbformat: 4, nbformat_minor: 5 },
        getMetadata: (k: string) => nbMeta[k],
        setMetadata: (k: string, v: unknown) => void (nbMeta[k] = v)
      }
    }
  } as any;
  const restart = (run: string, startedAt: string) => {
    kernel.statusChanged.emit('restarting');
    state.run = run;
    state.startedAt = startedAt;
  };
  return { client, panel, nbMeta, restart };
}

function cell(id: string, source: string) {
  const metadata: Record<string, any> = {};
  const model = {
    type: 'code',
    id,
    executionCount: null as number | null,
    sharedModel: { getSource: () => source },
    getMetadata: (k: string) => metadata[k],
    setMetadata: (k: string, v: unknown) => void (metadata[k] = v)
  };
  return { isDisposed: false, model, metadata } as any;
}

describe('the audit recorder', () => {
  it('attaches the record of the run that ran the cell, and names the new run after a restart', async () => {
    const { client, panel, nbMeta, restart } = setUp((run, cellId, count) => record(run!, cellId, count, run === 'r1' ? digest('1') : digest('2')));
    const recorder = new AuditRecorder(client);
    const c = cell('c', 'x = 1');
    recorder.noteScheduled(c, panel);
    c.model.executionCount = 1;
    await recorder.noteExecuted(panel, c, true);
    expect(c.metadata.retrace.lineage).toBe(digest('1'));
    expect(nbMeta.retrace.audit).toMatchObject({ session: 'k1', started_at: '2026-01-01T10:00:00.000Z' });

    // Same kernel id, same cell, same count: only the run tells them apart.
    restart('r2', '2026-01-01T11:00:00.000Z');
    recorder.noteScheduled(c, panel);
    await recorder.noteExecuted(panel, c, true);
    expect(c.metadata.retrace.lineage).toBe(digest('2'));
    expect(nbMeta.retrace.audit).toMatchObject({ session: 'k1', started_at: '2026-01-01T11:00:00.000Z' });
  });

  it('refuses a record of another run, cell or count, and says so', async () => {
    const { client, panel } = setUp(() => record('r0', 'c', 1, digest('9')));
    const recorder = new AuditRecorder(client);
    const failures: string[] = [];
    recorder.failed.connect((_, f) => failures.push(f.message));
    const c = cell('c', 'x = 1');
    recorder.noteScheduled(c, panel);
    c.model.executionCount = 1;
    await recorder.noteExecuted(panel, c, true);
    expect(c.metadata.retrace).toBeUndefined();
    expect(failures).toEqual([expect.stringMatching(/did not attach .* of run r0 .* not of run r1/)]);
  });

  it('records nothing for an execution queued before a restart', async () => {
    let asked = 0;
    const { client, panel, restart } = setUp((run, cellId, count) => (asked++, record(run!, cellId, count, digest('1'))));
    const recorder = new AuditRecorder(client);
    const c = cell('c', 'x = 1');
    recorder.noteScheduled(c, panel);
    restart('r2', '2026-01-01T11:00:00.000Z');
    c.model.executionCount = 1;
    await recorder.noteExecuted(panel, c, false);
    expect(asked).toBe(0);
    expect(c.metadata.retrace).toBeUndefined();
  });
});
