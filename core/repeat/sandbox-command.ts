/**
 * The bubblewrap command a repeat kernel runs in. Pure: the launcher decides the
 * paths, this says how they are mounted, so the layout is testable without a kernel.
 *
 *   /                  the run's view of the container (see server/repeat/view.ts)
 *   <hostMount>        the host's root, for fall-through links and left-out files
 *   /dev /proc /sys    the host's
 *   /tmp               the host's
 *   <notebook folder>  the host's notebook folder, writable, at the audit's path
 *   overrides          container files mounted over different host files there
 *   <connection file>  this kernel's, read-only
 */

export interface SandboxOptions {
  bwrap: string;
  viewDir: string;
  hostMount: string;
  /** The notebook's folder as the audit saw it; the kernel starts there. */
  notebookDir: string;
  /** The host folder bound there (the same path unless the notebook moved). */
  hostNotebookDir: string;
  connectionFile: string;
  overrides: Array<{ source: string; target: string }>;
  /** The command to run inside. */
  command: string[];
}

export function bwrapArgv(o: SandboxOptions): string[] {
  return [
    o.bwrap,
    '--bind',
    o.viewDir,
    '/',
    '--bind',
    '/',
    o.hostMount,
    '--dev-bind',
    '/dev',
    '/dev',
    '--bind',
    '/proc',
    '/proc',
    '--ro-bind',
    '/sys',
    '/sys',
    '--bind',
    '/tmp',
    '/tmp',
    '--bind',
    o.hostNotebookDir,
    o.notebookDir,
    ...o.overrides.flatMap(x => ['--ro-bind', x.source, x.target]),
    '--ro-bind',
    o.connectionFile,
    o.connectionFile,
    '--chdir',
    o.notebookDir,
    '--die-with-parent',
    '--',
    ...o.command
  ];
}
