/** From a launcher's cell record to the `retrace` metadata written into the cell. */
import type { CellRecord } from '../contract/records';
import type { CellStatus, RetraceCellMetadata } from '../contract/metadata';

export function cellStatus(record: CellRecord, replyStatus: 'ok' | 'error' | 'aborted' | undefined): CellStatus {
  if (record.closedBy !== 'end') return 'incomplete';
  return replyStatus === 'error' ? 'error' : 'complete';
}

export function cellMetadata(record: CellRecord, codeHash: string, replyStatus?: 'ok' | 'error' | 'aborted'): RetraceCellMetadata {
  const end = record.endTime ?? record.beginTime;
  return {
    code_hash: codeHash,
    lineage: record.lineage,
    execution_count: record.executionCount > 0 ? record.executionCount : null,
    started_at: new Date(record.beginTime * 1000).toISOString(),
    duration_ms: Math.max(0, Math.round((end - record.beginTime) * 1000)),
    status: cellStatus(record, replyStatus),
    files: { read: record.reads, written: record.writes },
    programs: record.programs,
    network: record.network,
    counts: {
      system_files_read: record.systemFilesRead,
      system_files_written: record.systemFilesWritten,
      processes: record.processes,
      events: record.events
    },
    log: { session: record.session, seq: record.seq, events_sha256: record.eventsDigest }
  };
}
