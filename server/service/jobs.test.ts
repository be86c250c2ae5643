import { describe, expect, it } from 'vitest';
import { JobRegistry } from './jobs';

const tick = () => new Promise(r => setTimeout(r, 0));

describe('the job registry', () => {
  it('runs a job, keeps its last progress and its result', async () => {
    const jobs = new JobRegistry<string, number>();
    let release!: (v: string) => void;
    const { id, existing } = jobs.start('a', async progress => {
      progress(1);
      progress(2);
      return new Promise<string>(r => (release = r));
    });
    expect(existing).toBe(false);
    await tick();
    expect(jobs.get(id)).toMatchObject({ id, state: 'running', progress: 2 });
    expect(jobs.running).toBe(1);
    release('ok');
    await tick();
    expect(jobs.get(id)).toMatchObject({ state: 'done', result: 'ok', progress: 2, finishedAt: expect.any(String) });
    expect(jobs.running).toBe(0);
  });

  it('reports a failure in words, including one thrown at once', async () => {
    const jobs = new JobRegistry<string, number>({ describeError: e => `no: ${(e as Error).message}` });
    const { id } = jobs.start('a', () => {
      throw new Error('broken');
    });
    expect(jobs.get(id)?.state).toBe('running');
    await tick();
    await tick();
    expect(jobs.get(id)).toMatchObject({ state: 'failed', error: 'no: broken' });
    expect(jobs.get(id)?.result).toBeUndefined();
  });

  it('follows the running job of the same key instead of starting another', async () => {
    const jobs = new JobRegistry<string, number>();
    let runs = 0;
    let release!: () => void;
    const first = jobs.start('out.tar.gz', async () => (runs++, await new Promise<void>(r => (release = r)), 'x'));
    const second = jobs.start('out.tar.gz', async () => (runs++, 'y'));
    expect(second).toEqual({ id: first.id, existing: true });
    const other = jobs.start('other.tar.gz', async () => (runs++, 'z'));
    expect(other.existing).toBe(false);
    await tick();
    release();
    await tick();
    expect(runs).toBe(2);
    // Once finished, the key is free again.
    expect(jobs.start('out.tar.gz', async () => 'w').existing).toBe(false);
  });

  it('forgets finished jobs past their time and beyond the bound, never running ones', async () => {
    let clock = 0;
    const jobs = new JobRegistry<number, number>({ maxFinished: 2, keepMs: 1000, now: () => clock });
    let release!: () => void;
    const running = jobs.start('slow', () => new Promise<number>(r => (release = () => r(0))));
    const ids = [1, 2, 3].map(n => jobs.start(`k${n}`, async () => n).id);
    await tick();
    await tick();
    expect(jobs.get(ids[0])).toBeUndefined();
    expect(jobs.get(ids[1])?.result).toBe(2);
    expect(jobs.get(ids[2])?.result).toBe(3);
    clock = 5000;
    expect(jobs.get(ids[2])).toBeUndefined();
    expect(jobs.get(running.id)?.state).toBe('running');
    release();
  });
});
