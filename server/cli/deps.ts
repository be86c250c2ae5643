/**
 * `retrace deps NOTEBOOK|ARCHIVE [--json]`: the dependency report of a notebook's last
 * audit (built from the session store and this machine's package metadata), or the
 * one a container carries in its `deps.json`.
 */
import { InputError } from '../../core/errors';
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tar from 'tar';
import { formatDependencyReport } from '../../core/deps/format';
import type { DependencyReport } from '../../core/contract/dependencies';
import { NotebookError } from '../../core/notebook/parse';
import { buildDependencyReport } from '../deps/build';
import { readNotebookUsage } from '../store/usage';
import type { CommandHelp } from './command-help';

export const depsHelp: CommandHelp = {
  name: 'deps',
  summary: "list what a notebook's last audit (or a container) used, per cell",
  usage: `usage: retrace deps NOTEBOOK|ARCHIVE [--json]

Lists what a notebook's run used, in total and cell by cell: the Python distributions
imported (and apart those only present), the system packages owning the files used,
the programs run, the data files read and the outputs written. For a notebook it
builds the report from its last audit on this machine; for a container, it prints
the report made when the container was built.

arguments:
  NOTEBOOK|ARCHIVE     an audited notebook, or a container (.tar.gz, .tgz or .tar)

options:
  --json               the report as JSON (default: tables)
  -h, --help           print this message

exit status: 0 printed; 2 bad input (no such file, a notebook never audited, an
archive without a report, an unknown option).

example:
  retrace deps examples/climate-trends.ipynb
`
};

export interface DepsCommand {
  target: string;
  json: boolean;
}

export const DEPS_MEMBER = 'deps.json';

export const isArchivePath = (path: string): boolean => /\.(tar\.gz|tgz|tar)$/i.test(path);

/** Thrown for input the user has to fix; the CLI prints it and exits 2. */
export class DepsInputError extends InputError {}

/**
 * One member's content, or undefined when the archive has no such member. Stops
 * reading as soon as the member has been read: containers can be large.
 */
export function readArchiveMember(archive: string, member: string): Promise<Buffer | undefined> {
  return new Promise((resolvePromise, reject) => {
    const input = createReadStream(archive);
    let settled = false;
    const settle = (error: unknown, content?: Buffer) => {
      if (settled) return;
      settled = true;
      input.destroy();
      if (error) reject(error);
      else resolvePromise(content);
    };
    const parser = tar.t({
      strict: true, // a corrupt or truncated archive is an error, not a warning
      onReadEntry: entry => {
        if (entry.path.replace(/^\.\//, '') !== member) return;
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => settle(undefined, Buffer.concat(chunks)));
      }
    });
    parser.on('error', (e: unknown) => settle(e));
    parser.on('end', () => settle(undefined, undefined));
    input.on('error', e => settle(e));
    input.pipe(parser);
  });
}

function asReport(text: string, where: string): DependencyReport {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new DepsInputError(`${where} is not valid JSON`);
  }
  const r = report as Partial<DependencyReport> | null;
  if (!r || typeof r !== 'object' || !r.total || !Array.isArray(r.cells)) throw new DepsInputError(`${where} is not a dependency report`);
  return r as DependencyReport;
}

/** The report a container carries. */
export async function readArchiveReport(archive: string): Promise<DependencyReport> {
  let content: Buffer | undefined;
  try {
    content = await readArchiveMember(archive, DEPS_MEMBER);
  } catch (e) {
    throw new DepsInputError(`${archive} is not a readable tar archive (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!content) throw new DepsInputError(`${archive} has no ${DEPS_MEMBER}: it was packed without a dependency report`);
  return asReport(content.toString('utf8'), `${DEPS_MEMBER} in ${archive}`);
}

/** The report of a notebook's last audit, built on this machine. */
export async function notebookReport(notebook: string): Promise<DependencyReport> {
  const usage = await readNotebookUsage(notebook);
  return buildDependencyReport(usage, { notebook: resolve(notebook) });
}

export async function depsCommand(cmd: DepsCommand, write: (text: string) => void = t => process.stdout.write(t)): Promise<number> {
  try {
    if (!existsSync(cmd.target)) throw new DepsInputError(`${cmd.target}: no such file`);
    const report = isArchivePath(cmd.target) ? await readArchiveReport(cmd.target) : await notebookReport(cmd.target);
    write(cmd.json ? JSON.stringify(report, null, 2) + '\n' : formatDependencyReport(report));
    return 0;
  } catch (e) {
    // A missing file, a notebook never audited, an archive without a report: the user's to fix.
    if (e instanceof DepsInputError || e instanceof NotebookError) {
      process.stderr.write(`retrace: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
