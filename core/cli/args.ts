/**
 * `retrace` command-line grammar. Pure: argv in, a command description or a usage
 * error out, so every subcommand's parsing is unit-tested without running it.
 */

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'version' }
  | { name: 'doctor'; json: boolean }
  | { name: 'audit'; notebook: string; output?: string }
  | { name: 'attach'; notebook: string; session?: string; output?: string }
  | { name: 'package'; notebook: string; output?: string; maxFileBytes?: number; deny: string[]; allow: string[] }
  | { name: 'deps'; target: string; json: boolean }
  | { name: 'companion'; socket: string }
  | { name: 'kernel-audit'; connectionFile: string; python?: string; kernelArgs: string[] }
  | { name: 'repeat'; notebook: string; container?: string; output?: string; strict: boolean }
  | { name: 'diff'; a: string; b: string; json: boolean; containerA?: string; containerB?: string }
  | { name: 'kernel-repeat'; connectionFile: string; python?: string; kernelArgs: string[] };

export class UsageError extends Error {}

export const USAGE = `usage: retrace <command> [options]

commands:
  doctor [--json]                 report whether auditing and repeating can work here
  audit NOTEBOOK [-o OUTPUT]      run every code cell under the audit kernel and write the
                                  notebook with outputs and retrace metadata (in place by default)
  attach NOTEBOOK [--session ID] [-o OUTPUT]
                                  give a notebook another Jupyter client ran on the audit kernel
                                  (nbconvert, papermill, VS Code) the metadata of its session
  package NOTEBOOK [-o ARCHIVE] [--max-file-size SIZE] [--deny GLOBS] [--allow GLOBS]
                                  build the notebook container from the notebook's last audit
                                  (default: NOTEBOOK-STEM.retrace.tar.gz beside it); SIZE like 500M;
                                  GLOBS comma-separated paths kept out / explicitly let in
  deps NOTEBOOK|ARCHIVE [--json]  list the Python distributions, system packages, programs and
                                  data files a notebook's last audit (or a container) used, per cell
  repeat NOTEBOOK [--container ARCHIVE] [-o OUTPUT] [--strict]
                                  run every code cell in the notebook's container and say, cell by
                                  cell, whether it reproduced its audit; exits 1 if a cell diverged
                                  or failed (default container: the one its metadata names, else
                                  NOTEBOOK-STEM.retrace.tar.gz beside it); with --strict also
                                  exits 1 if a cell changed (edited, or matched to no audited cell)
  diff A B [--json] [--container A.tar.gz] [--container-b B.tar.gz]
                                  say, per code cell, whether two runs of a notebook (two audits,
                                  or an audit and a repeat) are the same, and why not; see diff --help
  companion --socket PATH         run the companion service on a unix socket
                                  (JupyterLab starts it for you through jupyter-server-proxy)
  kernel audit -f CONNECTION_FILE [--python PYTHON] [-- KERNEL_ARGS...]
                                  run the audit kernel (what the retrace-audit kernelspec runs)
  kernel repeat -f CONNECTION_FILE [--python PYTHON] [-- KERNEL_ARGS...]
                                  run the repeat kernel (what the retrace-repeat kernelspec runs);
                                  RETRACE_CONTAINER and RETRACE_REPEAT_MODE=strict choose the container and mode
  version                         print the version
  help                            print this message
`;

export const DIFF_USAGE = `usage: retrace diff A.ipynb B.ipynb [--json] [--container A.tar.gz] [--container-b B.tar.gz]

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

  --json            the comparison as JSON
  --container ARCHIVE, --container-b ARCHIVE
                    containers holding A's and B's audit records

Exit status: 0 every code cell is the same; 1 some cell is not; 2 bad input.
`;

const ATTACH_USAGE = `usage: retrace attach NOTEBOOK [--session ID] [-o OUTPUT]

A notebook executed by another Jupyter client on the audit kernel (retrace-audit), e.g.
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=retrace-audit nb.ipynb
was recorded as a session, but the client saved no retrace metadata. attach finds the
session that ran the notebook as saved (cells matched by id, else by execution count,
their code checked against the hash the kernel recorded) and writes the metadata
\`retrace audit\` writes, giving cells ids where they have none. Then \`retrace package\`.

options:
  --session ID      the session to attach (a folder of RETRACE_HOME/sessions); default:
                    the latest session that ran every executed cell, started before the
                    notebook was last written
  -o, --output OUT  write the notebook there (default: in place)
`;

/** The usage text for \`retrace help [COMMAND]\` and \`retrace COMMAND --help\`. */
export function usage(topic?: string): string {
  return topic === 'attach' ? ATTACH_USAGE : topic === 'diff' ? DIFF_USAGE : USAGE;
}

/** `500M`, `2G`, `4096`: a size in bytes (binary units). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`not a size: ${JSON.stringify(text)} (try 500M or 2G)`);
  const power = ' KMGT'.indexOf((m[2] || ' ').toUpperCase());
  return Math.round(Number(m[1]) * 1024 ** power);
}

/** Split flags from positionals; `--` ends option parsing. */
function scan(args: string[], withValue: Set<string>, flags: Set<string>) {
  const values = new Map<string, string>();
  const seen = new Set<string>();
  const rest: string[] = [];
  let passthrough: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      passthrough = args.slice(i + 1);
      break;
    }
    const [key, inline] = a.includes('=') && a.startsWith('-') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (withValue.has(key)) {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${key} needs a value`);
      values.set(key, v);
    } else if (flags.has(key)) {
      seen.add(key);
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      rest.push(a);
    }
  }
  return { values, seen, rest, passthrough };
}

export function parseArgs(argv: string[]): Command {
  const [name, ...args] = argv;
  switch (name) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      return { name: 'help', topic: args[0] };
    case 'version':
    case '--version':
    case '-V':
      return { name: 'version' };
    case 'doctor': {
      const { seen, rest } = scan(args, new Set(), new Set(['--json']));
      if (rest.length) throw new UsageError(`doctor takes no arguments, got ${rest.join(' ')}`);
      return { name: 'doctor', json: seen.has('--json') };
    }
    case 'audit': {
      const { values, rest } = scan(args, new Set(['-o', '--output']), new Set());
      if (rest.length !== 1) throw new UsageError('audit takes one notebook');
      return { name: 'audit', notebook: rest[0], output: values.get('-o') ?? values.get('--output') };
    }
    case 'attach': {
      if (args.includes('--help') || args.includes('-h')) return { name: 'help', topic: 'attach' };
      const { values, rest } = scan(args, new Set(['-o', '--output', '--session']), new Set());
      if (rest.length !== 1) throw new UsageError('attach takes one notebook');
      return { name: 'attach', notebook: rest[0], session: values.get('--session'), output: values.get('-o') ?? values.get('--output') };
    }
    case 'package': {
      const { values, rest } = scan(args, new Set(['-o', '--output', '--max-file-size', '--deny', '--allow']), new Set());
      if (rest.length !== 1) throw new UsageError('package takes one notebook');
      const size = values.get('--max-file-size');
      const list = (v?: string) => (v ?? '').split(',').map(x => x.trim()).filter(Boolean);
      return {
        name: 'package',
        notebook: rest[0],
        output: values.get('-o') ?? values.get('--output'),
        maxFileBytes: size === undefined ? undefined : parseSize(size),
        deny: list(values.get('--deny')),
        allow: list(values.get('--allow'))
      };
    }
    case 'deps': {
      const { seen, rest } = scan(args, new Set(), new Set(['--json']));
      if (rest.length !== 1) throw new UsageError('deps takes one notebook or container archive');
      return { name: 'deps', target: rest[0], json: seen.has('--json') };
    }
    case 'repeat': {
      const { values, seen, rest } = scan(args, new Set(['-o', '--output', '--container']), new Set(['--strict']));
      if (rest.length !== 1) throw new UsageError('repeat takes one notebook');
      return {
        name: 'repeat',
        notebook: rest[0],
        container: values.get('--container'),
        output: values.get('-o') ?? values.get('--output'),
        strict: seen.has('--strict')
      };
    }
    case 'diff': {
      if (args.includes('--help') || args.includes('-h')) return { name: 'help', topic: 'diff' };
      const { values, seen, rest } = scan(args, new Set(['--container', '--container-b']), new Set(['--json']));
      if (rest.length !== 2) throw new UsageError('diff takes two notebooks: A.ipynb B.ipynb');
      return { name: 'diff', a: rest[0], b: rest[1], json: seen.has('--json'), containerA: values.get('--container'), containerB: values.get('--container-b') };
    }
    case 'companion': {
      const { values, rest } = scan(args, new Set(['--socket']), new Set());
      if (rest.length) throw new UsageError(`companion takes no arguments, got ${rest.join(' ')}`);
      const socket = values.get('--socket');
      if (!socket) throw new UsageError('companion needs --socket PATH');
      return { name: 'companion', socket };
    }
    case 'kernel': {
      const [kind, ...kargs] = args;
      if (kind !== 'audit' && kind !== 'repeat') throw new UsageError(`unknown kernel "${kind ?? ''}"; expected: audit or repeat`);
      const { values, rest, passthrough } = scan(kargs, new Set(['-f', '--python']), new Set());
      const connectionFile = values.get('-f');
      if (!connectionFile) throw new UsageError(`kernel ${kind} needs -f CONNECTION_FILE`);
      return { name: kind === 'audit' ? 'kernel-audit' : 'kernel-repeat', connectionFile, python: values.get('--python'), kernelArgs: [...rest, ...passthrough] };
    }
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
