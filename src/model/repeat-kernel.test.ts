/** The switch to the repeat kernel, with a fake session context: started, not started, died, too slow. */
import { describe, expect, it } from 'vitest';
import { startRepeatKernel, type RepeatSessionContext } from './repeat-kernel';

function fakeContext(kernel: object | null, status: string, sessionKernel: object | null = kernel): RepeatSessionContext & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    changeKernel: async (options: unknown) => (asked.push(options), kernel),
    session: { kernel: sessionKernel },
    kernelDisplayStatus: status
  } as any;
}

describe('switching to the repeat kernel', () => {
  it('asks for the repeat kernelspec and resolves once it is idle', async () => {
    const kernel = { id: 'k1', isDisposed: false, status: 'idle' };
    const ctx = fakeContext(kernel, 'idle');
    await expect(startRepeatKernel(ctx)).resolves.toBe(kernel);
    expect(ctx.asked).toEqual([{ name: 'retrace-repeat' }]);
  });

  it('says so when JupyterLab starts no kernel, or it dies while starting', async () => {
    await expect(startRepeatKernel(fakeContext(null, 'unknown'))).rejects.toThrow(/did not start the repeat kernel .*jupyter kernelspec list/);
    const dead = { id: 'k1', isDisposed: false, status: 'dead' };
    await expect(startRepeatKernel(fakeContext(dead, 'dead'))).rejects.toThrow('the repeat kernel stopped while it was starting (see the Jupyter server log)');
    const replaced = { id: 'k1', isDisposed: false, status: 'starting' };
    await expect(startRepeatKernel(fakeContext(replaced, 'starting', { id: 'k2' }))).rejects.toThrow(/stopped while it was starting/);
  });

  it('gives up after its time', async () => {
    const slow = { id: 'k1', isDisposed: false, status: 'starting' };
    await expect(startRepeatKernel(fakeContext(slow, 'starting'), 30, 5)).rejects.toThrow(/did not start within/);
  });
});
