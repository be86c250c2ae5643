/**
 * What an audited notebook's run used, read from the session store: the notebook's
 * metadata names its audit session; the session's records say, cell by cell, which
 * software and data it used. Packaging and dependency reports start here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CellUsage, SessionUsage, SoftwareUse } from '../../core/container/usage';
import { METADATA_KEY } from '../../core/contract/metadata';
import { NotebookError, parseNotebook, type Notebook } from '../../core/notebook/parse';
import type { CellRecord } from '../../core/contract/records';
import { sessionsRoot } from './paths';
import { readCellRecords, readSessionMeta, sessionPaths } from './sessions';
import type { SessionMeta } from '../../core/contract/records';

export interface AuditedNotebook {
  path: string;
  notebook: Notebook;
  session: SessionMeta;
  records: CellRecord[];
  usage: SessionUsage;
}

/** The audit session a notebook names, or a clear error for a notebook never audited. */
export function auditSessionOf(nb: Notebook, file: string): string {
  const session = nb.metadata?.[METADATA_KEY]?.audit?.session;
  if (typeof session !== 'string' || session === '') {
    throw new NotebookError(
      `${file} was never audited: it has no retrace audit metadata. ` +
        `Run it under the "Python 3 (audit)" kernel and save it, or run: retrace audit ${file}. ` +
        `If another Jupyter client (nbconvert, papermill, VS Code) ran it on the audit kernel, run: retrace attach ${file}`
    );
  }
  return session;
}

export function cellUsage(record: CellRecord): CellUsage {
  return {
    seq: record.seq,
    cellId: record.cellId,
    executionCount: record.executionCount,
    software: record.software ?? [],
    programs: record.programs,
    listed: record.softwareListed ?? [],
    probed: record.softwareProbed ?? [],
    reads: record.reads,
    writes: record.writes,
    readPaths: record.readPaths ?? [],
    writePaths: record.writePaths ?? []
  };
}

export function readStartup(id: string, root = sessionsRoot()): SoftwareUse {
  const { startup } = sessionPaths(id, root);
  if (!existsSync(startup)) return { software: [], programs: [] };
  return JSON.parse(readFileSync(startup, 'utf8')) as SoftwareUse;
}

/** A session's usage; records as given (every execution the session ran, in order). */
export function sessionUsage(meta: SessionMeta, records: CellRecord[], root = sessionsRoot()): SessionUsage {
  return {
    session: meta.id,
    notebookDir: meta.cwd,
    python: meta.python,
    startup: readStartup(meta.id, root),
    cells: records.map(cellUsage)
  };
}

/** Read a notebook and the audit session it names. */
export function readAuditedNotebook(notebookPath: string, root = sessionsRoot()): AuditedNotebook {
  const path = resolve(notebookPath);
  if (!existsSync(path)) throw new NotebookError(`${notebookPath}: no such file`);
  const notebook = parseNotebook(readFileSync(path, 'utf8'), notebookPath);
  const id = auditSessionOf(notebook, notebookPath);
  const session = readSessionMeta(id, root);
  if (!session) {
    throw new NotebookError(
      `${notebookPath} names audit session ${id}, which is not in this machine's store (${root}). ` +
        `Package it on the machine that audited it, or audit it again here.`
    );
  }
  if (!session.audited) {
    throw new NotebookError(`${notebookPath}: its session ${id} ran without auditing: ${session.notAuditedReason ?? 'strace was not available'}`);
  }
  const records = readCellRecords(id, root);
  return { path, notebook, session, records, usage: sessionUsage(session, records, root) };
}

/** The usage of a notebook's last audit (what `retrace deps NOTEBOOK` reports). */
export function readNotebookUsage(notebookPath: string, root = sessionsRoot()): SessionUsage {
  return readAuditedNotebook(notebookPath, root).usage;
}
