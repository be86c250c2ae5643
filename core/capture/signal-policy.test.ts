import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installSignalRelay, ISOLATED_LAUNCHER_SIGNALS, LAUNCHER_SIGNALS, type SignalName } from './signal-policy';

function fakeProcess() {
  const emitter = new EventEmitter();
  return {
    on: (s: SignalName, l: (s: SignalName) => void) => emitter.on(s, l),
    off: (s: SignalName, l: (s: SignalName) => void) => emitter.off(s, l),
    emit: (s: SignalName) => emitter.emit(s, s),
    count: (s: SignalName) => emitter.listenerCount(s)
  };
}

describe('installSignalRelay', () => {
  it('ignores SIGINT: the kernel gets it from the process group already', () => {
    const proc = fakeProcess();
    const sent: Array<[number, string]> = [];
    installSignalRelay(
      proc,
      () => [42],
      (pid, s) => sent.push([pid, s])
    );
    proc.emit('SIGINT');
    expect(sent).toEqual([]);
    // a listener exists, so Node's default (exit) does not happen
    expect(proc.count('SIGINT')).toBe(1);
  });

  it('forwards SIGTERM to the kernel pids known at that moment', () => {
    const proc = fakeProcess();
    const sent: Array<[number, string]> = [];
    let pids: number[] = [];
    installSignalRelay(
      proc,
      () => pids,
      (pid, s) => sent.push([pid, s])
    );
    proc.emit('SIGTERM');
    expect(sent).toEqual([]);
    pids = [7, 8];
    proc.emit('SIGTERM');
    expect(sent).toEqual([
      [7, 'SIGTERM'],
      [8, 'SIGTERM']
    ]);
  });

  it('keeps forwarding when one target has already exited', () => {
    const proc = fakeProcess();
    const sent: number[] = [];
    installSignalRelay(
      proc,
      () => [1, 2],
      pid => {
        if (pid === 1) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
        sent.push(pid);
      }
    );
    expect(() => proc.emit('SIGHUP')).not.toThrow();
    expect(sent).toEqual([2]);
  });

  it('removes every handler it installed', () => {
    const proc = fakeProcess();
    const remove = installSignalRelay(
      proc,
      () => [],
      () => undefined
    );
    for (const s of Object.keys(LAUNCHER_SIGNALS)) expect(proc.count(s as SignalName)).toBe(1);
    remove();
    for (const s of Object.keys(LAUNCHER_SIGNALS)) expect(proc.count(s as SignalName)).toBe(0);
  });
});

describe('ISOLATED_LAUNCHER_SIGNALS', () => {
  it('passes SIGINT on as well: the kernel is not in the group Jupyter signals', () => {
    expect(ISOLATED_LAUNCHER_SIGNALS.SIGINT).toBe('forward');
    expect(ISOLATED_LAUNCHER_SIGNALS.SIGTERM).toBe('forward');
  });
});
