/**
 * The command lines the audit launcher runs. Pure: given what the probe found,
 * say exactly which argv to start, so the choice is testable without a kernel.
 */

/** The IPython extension that marks cells and reports to retrace from inside the kernel. */
export const KERNEL_AGENT_MODULE = 'jupyterlab_retrace.kernel_agent';

/**
 * System calls recorded. File and process calls give inputs, outputs, programs and
 * the process tree; the socket calls that name an endpoint give network use without
 * recording every send and receive of the kernel's own messages, and `socket` says
 * whether a socket is TCP or UDP (`-y` shows only its inode).
 */
export const TRACED_SYSCALLS = '%file,%process,socket,connect,bind,listen,accept,accept4,fchdir';

export interface KernelCommandOptions {
  python: string;
  connectionFile: string;
  /** Extra arguments for ipykernel, passed through unchanged. */
  kernelArgs?: string[];
}

/** The ordinary IPython kernel, with the retrace agent loaded. */
export function ipykernelArgv(opts: KernelCommandOptions): string[] {
  return [opts.python, '-m', 'ipykernel_launcher', '-f', opts.connectionFile, `--ext=${KERNEL_AGENT_MODULE}`, ...(opts.kernelArgs ?? [])];
}

export interface StraceCommandOptions extends KernelCommandOptions {
  strace: string;
  logPath: string;
  seccompBpf: boolean;
}

/**
 * strace over the kernel. `-o FILE` makes strace write the log itself, line by line,
 * so whatever was traced before a crash is on disk; it also makes strace block fatal
 * signals (its `-I never` default with `-o`), so a SIGINT to the process group reaches
 * the kernel as KeyboardInterrupt and leaves the tracer running.
 */
export function straceArgv(opts: StraceCommandOptions): string[] {
  return tracedArgv(opts, ipykernelArgv(opts));
}

/** Any command under strace, traced the same way (the repeat kernel traces its sandbox). */
export function tracedArgv(opts: Omit<StraceCommandOptions, keyof KernelCommandOptions>, command: string[]): string[] {
  return [
    opts.strace,
    '-f',
    ...(opts.seccompBpf ? ['--seccomp-bpf'] : []),
    '-ttt',
    '-y',
    '-s',
    '512',
    '-e',
    `trace=${TRACED_SYSCALLS}`,
    '-o',
    opts.logPath,
    '--',
    ...command
  ];
}

/**
 * A session is named after the kernel it traces: Jupyter's connection files are
 * `kernel-<id>.json`, and that id is what the frontend knows the kernel by.
 */
export function sessionIdFromConnectionFile(connectionFile: string): string {
  const base = connectionFile.split('/').pop() ?? connectionFile;
  const stem = base.replace(/\.json$/, '');
  const id = stem.startsWith('kernel-') ? stem.slice('kernel-'.length) : stem;
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
  if (!safe || safe === '.' || safe === '..') {
    throw new Error(`Cannot name a session after connection file "${connectionFile}"`);
  }
  return safe;
}
