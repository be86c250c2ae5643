/**
 * `retrace diff A.ipynb B.ipynb [--json] [--container A.tar.gz] [--container-b B.tar.gz]`:
 * why two executions of a notebook differ (two audits, or an audit and a repeat).
 * Reads the cell records each notebook's metadata names from the session store, or
 * from the provenance inside a container; the comparison is core/diff/.
 * Exits 0 when every code cell is the same, 1 otherwise (2, through main, on bad input).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors';
import { METADATA_KEY } from '../../core/contract/metadata';
import { parseNotebook, type Notebook } from '../../core/notebook/parse';
import { sourceText } from '../../core/lineage/digest';
import type { CellRecord } from '../../core/contract/records';
import { diffNotebooks, formatNotebookDiff, type FoundExecution } from '../../core/diff/notebook-diff';
import { executionRefs, pickRecord, type CellExecutionRef } from '../../core/diff/notebook-executions';
import { cellRecordsDir } from '../container/unpacked-layout';
import { openContainer } from '../container/unpack';
import { sessionsRoot } from '../store/paths';
import type { CommandHelp } from './command-help';

export const diffHelp: CommandHelp = {
  name: 'diff',
  summary: 'say, per code cell, whether two runs of a notebook differ, and why',
  usage: `usage: retrace diff A.ipynb B.ipynb [--json] [--container A.tar.gz] [--container-b B.tar.gz]

Compares two executions of one notebook (two audits, or an audit and a repeat) code
cell by code cell. Cells are matched by id, else by code and position (notebooks
without ids). Each is: same (same code, same lineage), code changed, lineage differs,
not compared (one side has no recorded run), or only in A / only in B. For a cell
that differs it lists the files read with different content (path and both hashes),
files only one side read or wrote, programs only one side ran, the lineage carried in
from an earlier cell, the first differing event (process, syscall and arguments),
then the outputs that differ.

The cell records come from the session store (RETRACE_HOME) when the runs were on
this machine, or from the provenance in a container (--container for A,
--container-b for B); without them it compares what the metadata holds and says so.

arguments:
  A.ipynb, B.ipynb     the two executed notebooks, each with retrace metadata

options:
  --json               the comparison as JSON (default: a line per cell)
  --container ARCHIVE  a container holding A's audit records (default: the session store)
  --container-b ARCHIVE
                       a container holding B's audit records (default: the session store)
  -h, --help           print this message

exit status: 0 every code cell is the same; 1 some cell is not; 2 bad input (no such
file, a notebook never audited, an unknown option).

example:
  retrace diff first.ipynb second.ipynb
`
};

export interface DiffOptions {
  a: string;
  b: string;
  json: boolean;
  containerA?: string;
  containerB?: string;
  out?: (text: string) => void;
}

const sha256 = (text: string) => 'sha256:' + createHash('sha256').update(text).digest('hex');

function readNotebook(file: string): Notebook {
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  const nb = parseNotebook(readFileSync(file, 'utf8'), file);
  if (!nb.metadata[METADATA_KEY]) throw new InputError(`${file}: has no retrace metadata (it was never audited): nothing to compare`);
  return nb;
}

/** Folders that may hold the records of a session: its own, earlier runs of a restarted kernel, a container's provenance. */
function recordFolders(session: string, provenanceDir: string | undefined): string[] {
  const folders = provenanceDir ? [cellRecordsDir(provenanceDir)] : [];
  // The id comes from a notebook: only a plain name may become a path.
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(session)) return folders;
  const root = sessionsRoot();
  folders.push(join(root, session, 'cells'));
  if (existsSync(root)) {
    for (const name of readdirSync(root)) if (name.startsWith(`${session}.run-`)) folders.push(join(root, name, 'cells'));
  }
  return folders;
}

function findRecord(ref: CellExecutionRef, provenanceDir: string | undefined): Pick<FoundExecution, 'record' | 'recordFrom'> {
  if (!ref.log) return {};
  for (const folder of recordFolders(ref.log.session, provenanceDir)) {
    const file = join(folder, `${ref.log.seq}.json`);
    if (!existsSync(file)) continue;
    let record: CellRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as CellRecord;
    } catch {
      continue; // a damaged record is as good as none: the metadata is compared instead
    }
    if (pickRecord(ref, [record])) return { record, recordFrom: file };
  }
  return {};
}

async function executions(file: string, container: string | undefined): Promise<FoundExecution[]> {
  const nb = readNotebook(file);
  const provenanceDir = container ? (await openContainer(container)).provenanceDir : undefined;
  const hashes = nb.cells.filter(c => c.cell_type === 'code').map(c => sha256(sourceText(c.source)));
  return executionRefs(nb, hashes).map(ref => ({ ref, ...findRecord(ref, provenanceDir) }));
}

export async function diffCommand(opts: DiffOptions): Promise<number> {
  const out = opts.out ?? (text => process.stdout.write(text));
  const a = await executions(opts.a, opts.containerA);
  const b = await executions(opts.b, opts.containerB);
  const diff = diffNotebooks(a, b, base64 => sha256(base64));
  out(opts.json ? JSON.stringify({ a: opts.a, b: opts.b, ...diff }, null, 2) + '\n' : formatNotebookDiff(diff, { a: opts.a, b: opts.b }));
  return diff.same === diff.total ? 0 : 1;
}
