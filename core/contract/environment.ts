/**
 * The environment report as the probe writes it and the companion serves it
 * (`GET /api/environment`, `retrace doctor --json`): which of the tools retrace relies
 * on were found here, and the diagnosis drawn from them (core/environment/report.ts).
 */

export interface ToolStatus {
  /** Whether the tool was found and answered. */
  found: boolean;
  /** Absolute path it was found at. */
  path?: string;
  /** Version string as the tool reports it. */
  version?: string;
  /** What went wrong when probing, in the tool's own words. */
  error?: string;
}

export interface StraceStatus extends ToolStatus {
  /** A traced `true` ran: ptrace is allowed for this user in this container. */
  ptracePermitted: boolean;
  /** `--seccomp-bpf` works here (much lower overhead). */
  seccompBpf: boolean;
}

export interface PythonStatus extends ToolStatus {
  /** ipykernel version importable by that interpreter, when it is. */
  ipykernel?: string;
}

export interface EnvironmentReport {
  retraceVersion: string;
  node: { version: string };
  platform: { os: string; release: string; arch: string };
  strace: StraceStatus;
  proot: ToolStatus;
  bwrap: ToolStatus;
  python: PythonStatus;
}

export type Severity = 'error' | 'warning';

export interface Problem {
  /** Which part of the report this is about. */
  component: 'strace' | 'ptrace' | 'python' | 'ipykernel' | 'sandbox';
  severity: Severity;
  /** What is wrong, in one sentence. */
  message: string;
  /** What to do about it, as a command where there is one. */
  fix: string;
  /** What stops working until it is fixed. */
  affects: 'audit' | 'repeat';
}

export interface Diagnosis {
  /** Auditing can run here: strace works and a kernel can start. */
  auditReady: boolean;
  /** Repeating can run here: at least one rootless sandbox is present. */
  repeatReady: boolean;
  problems: Problem[];
}
