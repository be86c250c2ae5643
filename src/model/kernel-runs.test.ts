import { Signal } from '@lumino/signaling';
import { describe, expect, it } from 'vitest';
import type { SessionMeta } from '../../core/contract/records';
import { KernelRuns } from './kernel-runs';

function kernel() {
  const k = { id: 'k1', statusChanged: null as unknown as Signal<object, string> };
  k.statusChanged = new Signal<object, string>(k);
  return k;
}

/** A companion whose kernel k1 is in `run` (undefined: no session yet), recording what was asked. */
function companion() {
  const state = { run: undefined as string | undefined, asked: [] as Array<{ afterRun?: string }> };
  const client = {
    session: async (_id: string, options: { waitMs?: number; afterRun?: string } = {}) => {
      state.asked.push({ afterRun: options.afterRun });
      return state.run && state.run !== options.afterRun ? ({ id: 'k1', run: state.run, audited: true } as SessionMeta) : undefined;
    }
  };
  return { state, client };
}

describe('the runs of a kernel', () => {
  it('asks once per run, and again after a restart, for a run other than the last', async () => {
    const { state, client } = companion();
    const runs = new KernelRuns(client);
    const k = kernel();
    state.run = 'r1';
    const epoch = runs.epochOf(k);
    expect((await runs.sessionOf(k, epoch))?.run).toBe('r1');
    expect((await runs.sessionOf(k, epoch))?.run).toBe('r1');
    expect(state.asked).toHaveLength(1);

    k.statusChanged.emit('busy');
    expect(runs.epochOf(k)).toBe(epoch);
    k.statusChanged.emit('restarting');
    const next = runs.epochOf(k);
    expect(next).not.toBe(epoch);
    // Whatever was asked for the run before the restart is nobody's now.
    expect(await runs.sessionOf(k, epoch)).toBeUndefined();
    state.run = 'r2';
    expect((await runs.sessionOf(k, next))?.run).toBe('r2');
    expect(state.asked.at(-1)).toEqual({ afterRun: 'r1' });
  });

  it('does not keep a miss: a kernel whose launcher had not written its session yet is asked again', async () => {
    const { state, client } = companion();
    const runs = new KernelRuns(client);
    const k = kernel();
    const epoch = runs.epochOf(k);
    expect(await runs.sessionOf(k, epoch)).toBeUndefined();
    state.run = 'r1';
    expect((await runs.sessionOf(k, epoch))?.run).toBe('r1');
  });

  it('drops an answer that arrives after the kernel restarted', async () => {
    const { state, client } = companion();
    const runs = new KernelRuns(client);
    const k = kernel();
    state.run = 'r1';
    const epoch = runs.epochOf(k);
    const pending = runs.sessionOf(k, epoch);
    k.statusChanged.emit('autorestarting');
    expect(await pending).toBeUndefined();
  });
});
