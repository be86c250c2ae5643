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

/**
 * Every command, in the order `retrace help` lists them. Each one's usage text is
 * beside its implementation (server/cli/), so this grammar stays free of prose.
 */
export const COMMAND_NAMES = ['doctor', 'audit', 'attach', 'package', 'deps', 'repeat', 'diff', 'companion', 'kernel', 'version', 'help'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

const ALIASES = new Map<string, CommandName>([
  ['-h', 'help'],
  ['--help', 'help'],
  ['--version', 'version'],
  ['-V', 'version']
]);

const isCommandName = (word: string): word is CommandName => (COMMAND_NAMES as readonly string[]).includes(word);

/** The command a first word names (`--version` is `version`), or undefined for none. */
export function commandName(word: string | undefined): CommandName | undefined {
  if (word === undefined) return undefined;
  return ALIASES.get(word) ?? (isCommandName(word) ? word : undefined);
}

/** `-h` or `--help` among a command's options; not after `--`, which passes a kernel its own arguments. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some(a => a === '-h' || a === '--help');
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
  const [word, ...args] = argv;
  if (word === undefined) return { name: 'help', topic: undefined };
  const name = commandName(word);
  if (name === undefined) throw new UsageError(`unknown command "${word}"`);
  if (asksForHelp(args)) return { name: 'help', topic: name };
  switch (name) {
    case 'help': {
      const { rest } = scan(args, new Set(), new Set());
      if (rest.length > 1) throw new UsageError(`help takes one command at most, got ${rest.join(' ')}`);
      if (rest.length && !commandName(rest[0])) throw new UsageError(`unknown command "${rest[0]}"`);
      return { name: 'help', topic: rest[0] };
    }
    case 'version': {
      const { rest } = scan(args, new Set(), new Set());
      if (rest.length) throw new UsageError(`version takes no arguments, got ${rest.join(' ')}`);
      return { name: 'version' };
    }
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
      const { values, rest } = scan(args, new Set(['-o', '--output', '--session']), new Set());
      if (rest.length !== 1) throw new UsageError('attach takes one notebook');
      return { name: 'attach', notebook: rest[0], session: values.get('--session'), output: values.get('-o') ?? values.get('--output') };
    }
    case 'package': {
      const { values, rest } = scan(args, new Set(['-o', '--output', '--max-file-size', '--deny', '--allow']), new Set());
      if (rest.length !== 1) throw new UsageError('package takes one notebook');
      const size = values.get('--max-file-size');
      const list = (v?: string) =>
        (v ?? '')
          .split(',')
          .map(x => x.trim())
          .filter(Boolean);
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
      return {
        name: kind === 'audit' ? 'kernel-audit' : 'kernel-repeat',
        connectionFile,
        python: values.get('--python'),
        kernelArgs: [...rest, ...passthrough]
      };
    }
  }
}
