/**
 * Waiting on a kernel's launcher through the session store: it records when the
 * kernel exits and writes the last cell records as it does.
 */
import { readSessionMeta } from '../store/sessions';
import { processAlive } from '../system/proc';

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

export interface SessionEndWait {
  /** The longest to wait for a launcher that is still alive, in ms. */
  limitMs?: number;
  /** Called once when the wait has lasted `slowMs`, so a command can say why it pauses. */
  onSlow?: () => void;
  slowMs?: number;
}

/**
 * The launcher writes its last cell records after the kernel exits; on a loaded machine
 * analysing a long trace can take minutes. Wait while the launcher is alive (bounded),
 * and say whether it finished: a caller must not present missing records as a result.
 */
export async function waitForSessionEnd(id: string, wait: SessionEndWait = {}): Promise<boolean> {
  const started = Date.now();
  const deadline = started + (wait.limitMs ?? 600_000);
  let slowSaid = false;
  while (Date.now() < deadline) {
    const meta = readSessionMeta(id);
    if (meta?.endedAt) return true;
    // Gone without saying so: read once more, it may have written and exited just now.
    if (meta && !processAlive(meta.launcherPid)) return !!readSessionMeta(id)?.endedAt;
    if (!slowSaid && Date.now() - started > (wait.slowMs ?? 5_000)) {
      slowSaid = true;
      wait.onSlow?.();
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
}
