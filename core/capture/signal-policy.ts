/**
 * How the launcher treats the signals Jupyter sends it.
 *
 * Jupyter interrupts a kernel by signalling its whole process group, so the kernel
 * already gets SIGINT directly: the launcher must ignore it, or it would die and take
 * the kernel with it. Termination is aimed at the launcher's pid alone, so it is
 * passed on to the kernel, which then exits and ends the tracer.
 */
export type SignalAction = 'ignore' | 'forward';

/** The signals the launcher has a rule for (a subset of Node's signal names). */
export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2';

export const LAUNCHER_SIGNALS: Readonly<Partial<Record<SignalName, SignalAction>>> = {
  SIGINT: 'ignore',
  SIGTERM: 'forward',
  SIGHUP: 'forward',
  SIGQUIT: 'forward',
  SIGUSR1: 'forward',
  SIGUSR2: 'forward'
};

/**
 * For a kernel started in a process group of its own (the repeat kernel: bubblewrap,
 * between strace and the kernel, would die of a group-wide SIGINT and take the kernel
 * with it), the group signal reaches only the launcher, which passes everything on.
 */
export const ISOLATED_LAUNCHER_SIGNALS: Readonly<Partial<Record<SignalName, SignalAction>>> = {
  ...LAUNCHER_SIGNALS,
  SIGINT: 'forward'
};

/** The minimal surface of `process` the relay needs; tests pass a fake. */
export interface SignalSource {
  on(signal: SignalName, listener: (signal: SignalName) => void): unknown;
  off(signal: SignalName, listener: (signal: SignalName) => void): unknown;
}

/**
 * Install the policy. `targets` names the pids to forward to at the moment a signal
 * arrives (the kernel may not have started yet when the launcher starts).
 * Returns a function that removes the handlers.
 */
export function installSignalRelay(
  source: SignalSource,
  targets: () => number[],
  send: (pid: number, signal: SignalName) => void,
  policy: Readonly<Partial<Record<SignalName, SignalAction>>> = LAUNCHER_SIGNALS
): () => void {
  const handlers: Array<[SignalName, (s: SignalName) => void]> = [];
  for (const [name, action] of Object.entries(policy)) {
    const signal = name as SignalName;
    const handler =
      action === 'ignore'
        ? () => undefined
        : (s: SignalName) => {
            for (const pid of targets()) {
              try {
                send(pid, s);
              } catch {
                // the target already exited; nothing left to tell
              }
            }
          };
    source.on(signal, handler);
    handlers.push([signal, handler]);
  }
  return () => handlers.forEach(([s, h]) => source.off(s, h));
}
