/**
 * Busy processes that keep every CPU saturated while a test audits, so that lineage
 * is shown not to depend on load. Bounded twice: stopped by the test, and each hog
 * ends itself after `seconds` should the test die first. (Not `timeout node …`:
 * killing `timeout` leaves its child spinning, unbounded.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuHogs {
  stop(): void;
}

export function startCpuHogs(seconds: number, count = availableParallelism() + 1): CpuHogs {
  const spin = `const end = Date.now() + ${Math.ceil(seconds * 1000)}; while (Date.now() < end) {}`;
  const hogs: ChildProcess[] = [];
  for (let i = 0; i < count; i++) hogs.push(spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }));
  return {
    stop: () => {
      for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
    }
  };
}
