/**
 * Waiting on a kernel's launcher through the session store: it records when the
 * kernel exits and writes the last cell records as it does.
 */
import { readSessionMeta } from '../store/sessions';

/**
 * Rejects when the kernel's launcher records that the kernel exited. With auto-restart
 * off nobody else notices a killed kernel, and its pending request would wait forever.
 */
export async function kernelExit(id: string, stop: AbortSignal): Promise<never> {
  while (!stop.aborted) {
    await new Promise(r => setTimeout(r, 250));
    const meta = readSessionMeta(id);
    if (meta?.endedAt) throw new Error(`exit code ${meta.exitCode ?? 'none'}${meta.exitSignal ? `, signal ${meta.exitSignal}` : ''}`);
  }
  return new Promise<never>(() => undefined); // the cell finished first; this race is over
}

/** The launcher writes its last cell records as the kernel exits: wait for that, bounded. */
export async function waitForSessionEnd(id: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (readSessionMeta(id)?.endedAt) return;
    await new Promise(r => setTimeout(r, 100));
  }
}
