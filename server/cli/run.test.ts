/** The real `retrace` entry (runCli) asked for help, and given options it does not know. */
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../core/cli/args';
import { COMMANDS, globalUsage } from './help';
import { runCli } from './run';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  let ran = false;
  const code = await runCli(argv, { out: t => void (out += t), err: t => void (err += t), onRun: cmd => void (ran = cmd.name !== 'help') });
  return { code, out, err, ran };
}

/** Arguments that reach each command's own option check with an option it does not have. */
const UNKNOWN_OPTION: Record<string, string[]> = {
  kernel: ['kernel', 'audit', '-f', 'c.json', '--no-such-option']
};

describe('retrace COMMAND --help', () => {
  it('has a usage for every command the grammar knows, and no other', () => {
    expect(COMMANDS.map(c => c.name).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  for (const { name, usage } of COMMANDS) {
    it(`${name}: -h, --help and help ${name} print its own usage on stdout and exit 0`, async () => {
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name]
      ]) {
        const r = await run(...argv);
        expect(r).toEqual({ code: 0, out: usage, err: '', ran: false });
        expect(r.out.split('\n')[0]).toMatch(new RegExp(`^usage: retrace ${name}( |$)`));
        expect(r.out).not.toBe(globalUsage());
      }
    });

    it(`${name}: its usage says what it does, its options, its exit status and an example`, () => {
      const [first, blank, sentence] = usage.split('\n');
      expect(first.length).toBeLessThanOrEqual(100);
      expect(blank).toBe('');
      expect(sentence).toMatch(/^[A-Z`]/);
      expect(usage).toMatch(/\n {2}-h, --help {2,}print this message\n/);
      expect(usage).toMatch(/\nexit status: \S/);
      expect(usage).toMatch(new RegExp(`\nexample:\n  (.+\n  )*retrace ${name}\\b`));
    });

    it(`${name}: an unknown option exits 2 with its usage on stderr`, async () => {
      const r = await run(...(UNKNOWN_OPTION[name] ?? [name, '--no-such-option']));
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.ran).toBe(false);
      expect(r.err).toMatch(/^retrace: unknown option --no-such-option\n\n/);
      // help's own misuse shows the list of commands, which documents `help COMMAND`.
      expect(r.err.endsWith(name === 'help' ? globalUsage() : usage)).toBe(true);
    });
  }
});

describe('retrace --help', () => {
  it('prints the list of commands for --help, -h, help and nothing at all', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], []]) expect(await run(...argv)).toEqual({ code: 0, out: globalUsage(), err: '', ran: false });
  });

  it('lists every command with its one-line summary, in 88 columns', () => {
    const text = globalUsage();
    expect(text.split('\n')[0]).toBe('usage: retrace <command> [options]');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(88);
    for (const { name, summary } of COMMANDS) {
      expect(summary).not.toContain('\n');
      expect(text).toMatch(new RegExp(`\n {2}${name} +${summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    }
  });

  it('refuses an unknown command, with the list on stderr', async () => {
    for (const argv of [['frobnicate'], ['help', 'frobnicate']]) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`retrace: unknown command "frobnicate"\n\n${globalUsage()}`);
    }
  });

  it('gives a missing argument the usage of its command', async () => {
    const r = await run('repeat');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^retrace: repeat takes one notebook\n\nusage: retrace repeat /);
  });
});
