/** The notebook-level `retrace` metadata: which session audited it, in what environment. */
import { AUDIT_KERNEL_NAME } from '../contract/kernels';
import { SPEC_VERSION, type RetraceNotebookMetadata } from '../contract/metadata';

export interface AuditFacts {
  session: string;
  startedAt: string;
  retraceVersion: string;
  python: string;
  /** `<os> <release>`. */
  platform: string;
  machine: string;
  strace?: string;
}

export function notebookMetadata(f: AuditFacts): RetraceNotebookMetadata {
  return {
    spec_version: SPEC_VERSION,
    audit: { session: f.session, started_at: f.startedAt, kernel: AUDIT_KERNEL_NAME, retrace_version: f.retraceVersion },
    environment: { python: f.python, platform: f.platform, machine: f.machine, ...(f.strace ? { strace: f.strace } : {}) }
  };
}
