import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from './limit';

describe('concurrencyLimit', () => {
  it('never runs more than n jobs at once and runs them all', async () => {
    const limit = concurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const job = (i: number) =>
      limit(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise(r => setTimeout(r, 2));
        running--;
        return i;
      });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => job(i)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('passes a failure to its caller and keeps going', async () => {
    const limit = concurrencyLimit(1);
    const failed = limit(() => Promise.reject(new Error('boom')));
    const after = limit(async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBe('ok');
  });
});
