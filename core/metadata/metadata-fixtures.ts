/**
 * Valid `retrace` metadata for tests of what is written into it: an audited cell and
 * an audited notebook, as an audit leaves them. Test support only.
 */
import type { RetraceCellMetadata, RetraceNotebookMetadata } from '../contract/metadata';

/** A well-formed `sha256:` digest made of one repeated hex digit. */
export const digest = (c: string): string => 'sha256:' + c.repeat(64);

/** An audited cell's metadata; `n` varies its code hash, lineage, execution count and record. */
export function auditedCellMetadata(n = 0): RetraceCellMetadata {
  return {
    code_hash: digest(n ? String(n) : 'a'),
    lineage: digest('bcde'[n % 4]),
    execution_count: n + 1,
    started_at: '2025-01-31T09:12:41.207Z',
    duration_ms: 12,
    status: 'complete',
    files: { read: [{ path: 'data.csv', sha256: digest('c'), size: 12 }], written: [] },
    programs: [],
    network: [],
    counts: { system_files_read: 3, system_files_written: 0, processes: 1, events: 9 },
    log: { session: 'audit-1', seq: n + 1, events_sha256: digest('d') }
  };
}

/** An audited notebook's metadata, naming its container. */
export const auditedNotebookMetadata = (): RetraceNotebookMetadata => ({
  spec_version: '1.1.0',
  audit: { session: 'audit-1', started_at: '2025-01-31T09:12:03.512Z', kernel: 'retrace-audit', retrace_version: '0.1.0' },
  environment: { python: '3.11.7', platform: 'Linux', machine: 'x86_64' },
  container: { archive: 'nb.retrace.tar.gz', mode: 'layered' }
});
