/**
 * Which run and which execution a cell record belongs to. A kernel restarted by
 * Jupyter keeps its id, its cell ids and (after Restart and Run All) its execution
 * counts: only the run tells two records of "cell c, execution 3" apart. Every start
 * of a launcher is a run with an id of its own (session.json `run`), written into
 * each record it makes; a record is attached to a cell execution only when its run,
 * its cell and its execution count are the ones asked for.
 */
import type { CellRecord } from '../contract/records';

/** The execution a record is wanted for. */
export interface ExecutionKey {
  /** The run the asker is talking to; undefined for sessions written before runs had ids. */
  run: string | undefined;
  /** null: any cell (a client that does not know cell ids). */
  cellId: string | null;
  /** NaN: any count. */
  executionCount: number;
}

/** A record belongs to a run when both name the same one (or neither names any: an older session). */
export function belongsToRun(record: Pick<CellRecord, 'run'>, run: string | undefined): boolean {
  return (record.run ?? undefined) === (run ?? undefined);
}

/** The session's records of its current run only: a launcher of an earlier run may have written late into the folder. */
export function recordsOfRun<R extends Pick<CellRecord, 'run'>>(records: R[], run: string | undefined): R[] {
  return records.filter(r => belongsToRun(r, run));
}

/** Why `record` is not the record of `key`'s execution; undefined when it is. */
export function refusal(record: Pick<CellRecord, 'run' | 'cellId' | 'executionCount' | 'seq'>, key: ExecutionKey): string | undefined {
  if (!belongsToRun(record, key.run)) {
    return `the record of execution ${record.seq} is of run ${record.run ?? '(none)'} of the kernel, not of run ${key.run ?? '(none)'} that ran the cell (the kernel restarted)`;
  }
  if (key.cellId !== null && record.cellId !== key.cellId)
    return `the record of execution ${record.seq} is of cell ${record.cellId ?? '(no id)'}, not ${key.cellId}`;
  if (!Number.isNaN(key.executionCount) && record.executionCount !== key.executionCount) {
    return `the record of execution ${record.seq} is of execution count ${record.executionCount}, not ${key.executionCount}`;
  }
  return undefined;
}

/** The latest record of the execution `key` names, if any. */
export function findExecution<R extends Pick<CellRecord, 'run' | 'cellId' | 'executionCount' | 'seq'>>(records: R[], key: ExecutionKey): R | undefined {
  return records.filter(r => refusal(r, key) === undefined).pop();
}
