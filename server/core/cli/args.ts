/**
 * `retrace` command-line grammar. Pure: argv in, a command description or a usage
 * error out, so every subcommand's parsing is unit-tested without running it.
 */

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'version' }
  | { name: 'doctor'; json: boolean }
  | { name: 'audit'; notebook: string; output?: string }
  | { name: 'companion'; socket: string }
  | { name: 'kernel-audit'; connectionFile: string; python?: string; kernelArgs: string[] };

export class UsageError extends Error {}

export const USAGE = `usage: retrace <command> [options]

commands:
  doctor [--json]                 report whether auditing and repeating can work here
  audit NOTEBOOK [-o OUTPUT]      run every code cell under the audit kernel and write the
                                  notebook with outputs and retrace metadata (in place by default)
  companion --socket PATH         run the companion service on a unix socket
                                  (JupyterLab starts it for you through jupyter-server-proxy)
  kernel audit -f CONNECTION_FILE [--python PYTHON] [-- KERNEL_ARGS...]
                                  run the audit kernel (what the retrace-audit kernelspec runs)
  version                         print the version
  help                            print this message
`;

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
    case 'companion': {
      const { values, rest } = scan(args, new Set(['--socket']), new Set());
      if (rest.length) throw new UsageError(`companion takes no arguments, got ${rest.join(' ')}`);
      const socket = values.get('--socket');
      if (!socket) throw new UsageError('companion needs --socket PATH');
      return { name: 'companion', socket };
    }
    case 'kernel': {
      const [kind, ...kargs] = args;
      if (kind !== 'audit') throw new UsageError(`unknown kernel "${kind ?? ''}"; expected: audit`);
      const { values, rest, passthrough } = scan(kargs, new Set(['-f', '--python']), new Set());
      const connectionFile = values.get('-f');
      if (!connectionFile) throw new UsageError('kernel audit needs -f CONNECTION_FILE');
      return { name: 'kernel-audit', connectionFile, python: values.get('--python'), kernelArgs: [...rest, ...passthrough] };
    }
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
