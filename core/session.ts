/** What the store records about one kernel session; shared with the frontend. */
export interface SessionMeta {
  id: string;
  /**
   * This start of the kernel's launcher. A restart keeps the kernel id (and the
   * folder's name: the earlier run's is moved aside), so records are told apart by it.
   * Absent in sessions recorded before runs had ids.
   */
  run?: string;
  kind: 'audit' | 'repeat';
  /** Repeats: the container the kernel ran in. */
  container?: { archive: string; hash: string; mode: 'layered' | 'strict'; auditSession?: string; restored?: string[]; overridden?: string[]; timings?: { openMs: number; hostFilesMs: number; viewMs: number }; viewLinks?: { fromContainer: number; toHost: number } };
  startedAt: string;
  /** The kernel runs under strace; false when auditing could not work here. */
  audited: boolean;
  /** Why the session is not audited, and how to fix it. */
  notAuditedReason?: string;
  python: string;
  strace?: { path: string; version?: string; seccompBpf: boolean };
  /** argv of the traced command (no secrets: the connection file is named, not read). */
  argv: string[];
  launcherPid: number;
  cwd: string;
  /** The kernel's environment minus secret-looking variables (their names are in environmentRemoved). */
  environment?: Record<string, string>;
  environmentRemoved?: string[];
  endedAt?: string;
  exitCode?: number | null;
  exitSignal?: string | null;
  /** The launcher's peak resident memory in KiB (it follows and analyses the trace). */
  launcherMaxRssKb?: number;
}
