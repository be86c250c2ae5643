/**
 * `retrace attach NOTEBOOK [--session ID] [-o OUTPUT]`: give a notebook that another
 * Jupyter client ran on the audit kernel (nbconvert --execute, papermill, nbclient,
 * VS Code) the `retrace` metadata `retrace audit` would have written, from the session
 * that ran it, so it can be packaged and repeated.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { resolve } from 'node:path';
import { InputError } from '../../core/errors';
import { codeHash } from '../../core/lineage/digest';
import { cellMetadata } from '../../core/metadata/cell-metadata';
import { notebookMetadata } from '../../core/metadata/notebook-metadata';
import { METADATA_KEY } from '../../core/contract/metadata';
import { CELL_ID_PATTERN, ensureCellIds } from '../../core/notebook/cell-ids';
import { parseNotebook, type Notebook, type NotebookCell } from '../../core/notebook/parse';
import { chooseSession, matchSession, type Candidate, type SavedCell } from '../../core/notebook/session-match';
import type { CellRecord } from '../../core/contract/records';
import { RETRACE_VERSION } from '../../core/version';
import { writeFileAtomic } from '../store/atomic';
import { sessionsRoot } from '../store/paths';
import { readCellRecords, sessionFolders } from '../store/sessions';
import type { SessionMeta } from '../../core/contract/records';
import type { CommandHelp } from './command-help';

export const attachHelp: CommandHelp = {
  name: 'attach',
  summary: 'give a notebook another client ran on the audit kernel its retrace metadata',
  usage: `usage: retrace attach NOTEBOOK [--session ID] [-o OUTPUT]

Gives a notebook that another Jupyter client (nbconvert, papermill, VS Code) ran on
the audit kernel (retrace-audit) the retrace metadata of the session that ran it,
which such a client does not save. It finds that session (cells matched by id, else
by execution count, their code checked against the hash the kernel recorded) and
writes the metadata \`retrace audit\` writes, giving cells ids where they have none.
Then \`retrace package\` can build its container.

arguments:
  NOTEBOOK             the executed notebook

options:
  --session ID         the session to attach (a folder of RETRACE_HOME/sessions); default:
                       the latest session that ran every executed cell, started before the
                       notebook was last written
  -o, --output OUTPUT  where to write the notebook (default: NOTEBOOK, in place)
  -h, --help           print this message

exit status: 0 attached; 2 bad input (no such file, no session matches: each is listed
with why it does not fit, an unknown option).

example:
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=retrace-audit nb.ipynb --output run.ipynb
  retrace attach run.ipynb
`
};

export interface AttachOptions {
  notebook: string;
  session?: string;
  output?: string;
  log?: (line: string) => void;
}

/** Sessions listed in an error, newest first. */
const MAX_LISTED = 10;

export async function attachNotebook(opts: AttachOptions): Promise<number> {
  const log = opts.log ?? (line => process.stdout.write(line + '\n'));
  const file = resolve(opts.notebook);
  if (!existsSync(file)) throw new InputError(`${opts.notebook}: no such file`);
  const nb = parseNotebook(readFileSync(file, 'utf8'), opts.notebook);
  const code = nb.cells.filter(c => c.cell_type === 'code');
  const saved: SavedCell[] = await Promise.all(
    code.map(async (c, index) => ({ index, id: c.id, executionCount: c.execution_count ?? null, codeHash: await codeHash(c.source) }))
  );

  const root = sessionsRoot();
  const folders = sessionFolders(root).filter(s => opts.session === undefined || s.folder === opts.session);
  if (opts.session !== undefined && folders.length === 0) {
    throw new InputError(
      `${opts.notebook}: there is no session ${opts.session} in ${root}.${listing(sessionFolders(root).map(s => describe(s.folder, s.meta)))}`
    );
  }
  const records = new Map<string, CellRecord[]>();
  const candidates: Array<Candidate & { meta: SessionMeta }> = [];
  const refused: string[] = [];
  for (const { folder, meta } of folders) {
    if (meta.kind !== 'audit') {
      if (opts.session !== undefined) refused.push(`${folder}: a repeat session, not an audit`);
      continue;
    }
    if (!meta.audited) {
      refused.push(`${folder}: ran without auditing (${meta.notAuditedReason ?? 'strace was not available'})`);
      continue;
    }
    const recs = readCellRecords(folder, root);
    records.set(folder, recs);
    candidates.push({ id: folder, startedAt: meta.startedAt, meta, match: matchSession(saved, recs) });
  }

  const { chosen, alsoMatching } = chooseSession(candidates, statSync(file).mtime.toISOString());
  if (!chosen) throw new InputError(noMatch(opts.notebook, root, candidates, refused));
  const meta = (chosen as (typeof candidates)[number]).meta;
  const recs = new Map(records.get(chosen.id)!.map(r => [r.seq, r]));

  // Cells the client saved without ids take the id the session ran them under, else a new one.
  const taken = new Set(nb.cells.map(c => c.id).filter(Boolean));
  for (const m of chosen.match.matched) {
    const cell = code[m.cell];
    const recorded = recs.get(m.seq)!.cellId;
    if (!cell.id && recorded && CELL_ID_PATTERN.test(recorded) && !taken.has(recorded)) {
      cell.id = recorded;
      taken.add(recorded);
    }
  }
  ensureCellIds(nb);

  const matchedCells = new Map(chosen.match.matched.map(m => [code[m.cell], recs.get(m.seq)!]));
  for (const cell of code) {
    const record = matchedCells.get(cell);
    if (!record) {
      delete cell.metadata[METADATA_KEY]; // provenance of another run would be wrong here
      continue;
    }
    // log.session names the folder the detail is in (a restarted kernel's earlier run has its own).
    cell.metadata[METADATA_KEY] = cellMetadata({ ...record, session: chosen.id }, await codeHash(cell.source), raised(cell) ? 'error' : 'ok');
  }
  nb.metadata[METADATA_KEY] = notebookMetadata({
    session: chosen.id,
    startedAt: meta.startedAt,
    retraceVersion: RETRACE_VERSION,
    python: pythonVersion(nb),
    platform: `${platform()} ${release()}`,
    machine: arch(),
    strace: meta.strace?.version
  });
  const output = resolve(opts.output ?? file);
  writeFileAtomic(output, JSON.stringify(nb, null, 1) + '\n', 'user');

  const m = chosen.match;
  const byId = m.matched.filter(x => x.by === 'id').length;
  const unchecked = m.matched.filter(x => !x.codeChecked).length;
  log(
    `retrace attach: session ${chosen.id} (started ${meta.startedAt}) ran ${m.matched.length} of the ${code.length} code cells of ${opts.notebook}` +
      ` (matched by cell id: ${byId}, by execution count: ${m.matched.length - byId})`
  );
  if (unchecked) log(`note: ${unchecked} cells were matched without a code check (the session predates code hashes in its marks)`);
  if (m.unshown.length) {
    log(
      `note: the session also ran ${m.unshown.length} execution${m.unshown.length === 1 ? '' : 's'} no cell shows (a cell run again, a deleted cell); ` +
        'a repeat runs each cell once in order, so lineages from there on may differ'
    );
  } else if (!m.inOrder) log('note: the cells ran out of notebook order; a repeat runs them in order, so lineages may differ');
  if (alsoMatching.length) log(`note: also matching: ${alsoMatching.map(c => `${c.id} (started ${c.startedAt})`).join(', ')}; choose one with --session ID`);
  log(`wrote ${output}`);
  return 0;
}

/** The kernel replied with an error: nbformat keeps it as an error output. */
function raised(cell: NotebookCell): boolean {
  return (cell.outputs ?? []).some(o => o?.output_type === 'error');
}

/** What the client saved from the kernel's info reply. */
function pythonVersion(nb: Notebook): string {
  const v = nb.metadata.language_info?.version;
  return typeof v === 'string' && v ? v : 'unknown';
}

function describe(folder: string, meta: SessionMeta, extra = ''): string {
  return `${folder}  ${meta.kind}, started ${meta.startedAt} in ${meta.cwd}${extra}`;
}

function listing(lines: string[]): string {
  if (!lines.length) return ' The store has no sessions.';
  const shown = lines
    .slice(0, MAX_LISTED)
    .map(l => `\n  ${l}`)
    .join('');
  return `\nSessions in the store, newest first:${shown}${lines.length > MAX_LISTED ? `\n  … and ${lines.length - MAX_LISTED} more` : ''}`;
}

function noMatch(notebook: string, root: string, candidates: Array<Candidate & { meta: SessionMeta }>, refused: string[]): string {
  const head = candidates.length
    ? `${notebook}: no audit session in ${root} ran this notebook as it is saved.`
    : `${notebook}: there is no audit session in ${root} to attach.`;
  const lines = candidates.map(c => {
    const why = c.match.ok
      ? 'started after the notebook was last written'
      : c.match.problems[0] + (c.match.problems.length > 1 ? ` (+${c.match.problems.length - 1} more)` : '');
    return describe(c.id, c.meta, `, ${c.match.matched.length} cells matched: ${why}`);
  });
  const hint =
    '\nRun the notebook on the "Python 3 (audit)" kernel (retrace-audit) with RETRACE_HOME set as it was, ' +
    `save it without editing its cells, then run: retrace attach ${notebook}; or run: retrace audit ${notebook}`;
  return head + (lines.length ? listing(lines) : '') + refused.map(r => `\n  ${r}`).join('') + hint;
}
