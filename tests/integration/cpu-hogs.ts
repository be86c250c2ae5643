/**
 * Busy processes that keep every CPU saturated while a test audits, so that lineage
 * is shown not to depend on load. Bounded twice: stopped by the test, and by
 * `timeout` should the test die first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuHogs {
  stop(): void;
}

export function startCpuHogs(seconds: number, count = availableParallelism() + 1): CpuHogs {
  const hogs: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    hogs.push(spawn('timeout', [String(seconds), process.execPath, '-e', 'for(;;){}'], { stdio: 'ignore' }));
  }
  return {
    stop: () => {
      for (const hog of hogs) if (hog.exitCode === null) hog.kill('SIGKILL');
    }
  };
}
