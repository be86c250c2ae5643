/**
 * Switching a notebook's session to the repeat kernel, and waiting (bounded) until it
 * is idle: the first start of a container unpacks and checks it, which takes a while.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';
import { REPEAT_KERNEL_NAME } from '../../core/contract/kernels';
import { ReproduceError } from './reproduce-error';

/** The first start of a container unpacks and checks it: allow a large one its time. */
export const KERNEL_START_TIMEOUT_MS = 5 * 60_000;

/** What of a session context the switch reads and changes. */
export type RepeatSessionContext = Pick<ISessionContext, 'changeKernel' | 'session' | 'kernelDisplayStatus'>;

/** Switch the session to the repeat kernel and wait until it is idle, bounded. */
export async function startRepeatKernel(ctx: RepeatSessionContext, timeoutMs = KERNEL_START_TIMEOUT_MS, pollMs = 250): Promise<Kernel.IKernelConnection> {
  const kernel = await ctx.changeKernel({ name: REPEAT_KERNEL_NAME });
  if (!kernel) throw new ReproduceError('JupyterLab did not start the repeat kernel (Python 3 (repeat)): is it installed? (jupyter kernelspec list)');
  const deadline = Date.now() + timeoutMs;
  while (!(ctx.session?.kernel === kernel && ctx.kernelDisplayStatus === 'idle')) {
    if (kernel.isDisposed || kernel.status === 'dead' || ctx.session?.kernel !== kernel) {
      throw new ReproduceError('the repeat kernel stopped while it was starting (see the Jupyter server log)');
    }
    if (Date.now() > deadline) throw new ReproduceError(`the repeat kernel did not start within ${timeoutMs / 60_000} minutes`);
    await new Promise(resolve => setTimeout(resolve, pollMs));
  }
  return kernel;
}
