import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandName, parseArgs, parseSize, UsageError } from './args';

describe('parseArgs', () => {
  it('defaults to help', () => {
    expect(parseArgs([])).toEqual({ name: 'help', topic: undefined });
    expect(parseArgs(['--help'])).toEqual({ name: 'help', topic: undefined });
  });

  it('parses version in its spellings', () => {
    for (const v of ['version', '--version', '-V']) expect(parseArgs([v])).toEqual({ name: 'version' });
  });

  it('parses doctor with and without --json', () => {
    expect(parseArgs(['doctor'])).toEqual({ name: 'doctor', json: false });
    expect(parseArgs(['doctor', '--json'])).toEqual({ name: 'doctor', json: true });
  });

  it('rejects unknown options and stray arguments with a usage error', () => {
    expect(() => parseArgs(['doctor', '--yaml'])).toThrow(UsageError);
    expect(() => parseArgs(['doctor', 'extra'])).toThrow(/no arguments/);
    expect(() => parseArgs(['frobnicate'])).toThrow(/unknown command "frobnicate"/);
  });

  it('parses audit with an optional output', () => {
    expect(parseArgs(['audit', 'a.ipynb'])).toEqual({ name: 'audit', notebook: 'a.ipynb', output: undefined });
    expect(parseArgs(['audit', 'a.ipynb', '-o', 'b.ipynb'])).toEqual({ name: 'audit', notebook: 'a.ipynb', output: 'b.ipynb' });
    expect(parseArgs(['audit', '--output=b.ipynb', 'a.ipynb'])).toMatchObject({ output: 'b.ipynb' });
    expect(() => parseArgs(['audit'])).toThrow(/one notebook/);
    expect(() => parseArgs(['audit', 'a.ipynb', 'b.ipynb'])).toThrow(/one notebook/);
  });

  it('parses diff: two notebooks, --json, a container for each side, its own --help', () => {
    expect(parseArgs(['diff', 'a.ipynb', 'b.ipynb'])).toEqual({
      name: 'diff',
      a: 'a.ipynb',
      b: 'b.ipynb',
      json: false,
      containerA: undefined,
      containerB: undefined
    });
    expect(parseArgs(['diff', '--json', 'a.ipynb', 'b.ipynb', '--container', 'a.tar.gz', '--container-b=b.tar.gz'])).toEqual({
      name: 'diff',
      a: 'a.ipynb',
      b: 'b.ipynb',
      json: true,
      containerA: 'a.tar.gz',
      containerB: 'b.tar.gz'
    });
    expect(parseArgs(['diff', '--help'])).toEqual({ name: 'help', topic: 'diff' });
    expect(() => parseArgs(['diff', 'a.ipynb'])).toThrow(/two notebooks/);
    expect(() => parseArgs(['diff', 'a.ipynb', 'b.ipynb', '--strict'])).toThrow(/unknown option --strict/);
  });

  it('needs a socket for the companion, in either spelling', () => {
    expect(() => parseArgs(['companion'])).toThrow(/--socket/);
    expect(parseArgs(['companion', '--socket', '/tmp/s'])).toEqual({ name: 'companion', socket: '/tmp/s' });
    expect(parseArgs(['companion', '--socket=/tmp/s'])).toEqual({ name: 'companion', socket: '/tmp/s' });
    expect(() => parseArgs(['companion', '--socket'])).toThrow(/needs a value/);
  });

  it('parses the audit kernel command as the kernelspec writes it', () => {
    expect(parseArgs(['kernel', 'audit', '--python', '/v/bin/python', '-f', '/run/kernel-1.json'])).toEqual({
      name: 'kernel-audit',
      connectionFile: '/run/kernel-1.json',
      python: '/v/bin/python',
      kernelArgs: []
    });
  });

  it('passes everything after -- through to the kernel unchanged', () => {
    const cmd = parseArgs(['kernel', 'audit', '-f', 'c.json', '--', '--debug', '-f', 'x']);
    expect(cmd).toMatchObject({ connectionFile: 'c.json', kernelArgs: ['--debug', '-f', 'x'] });
  });

  it('rejects a kernel without a connection file or of an unknown kind', () => {
    expect(() => parseArgs(['kernel', 'audit'])).toThrow(/-f CONNECTION_FILE/);
    expect(() => parseArgs(['kernel', 'bogus', '-f', 'c.json'])).toThrow(/unknown kernel "bogus"/);
  });
});

describe('help', () => {
  it('answers -h and --help for every command, wherever they are among its options', () => {
    for (const name of COMMAND_NAMES) {
      expect(parseArgs([name, '--help'])).toEqual({ name: 'help', topic: name });
      expect(parseArgs([name, '-h'])).toEqual({ name: 'help', topic: name });
    }
    expect(parseArgs(['audit', 'a.ipynb', '-o', 'b.ipynb', '-h'])).toEqual({ name: 'help', topic: 'audit' });
    expect(parseArgs(['repeat', '--no-such-option', '--help'])).toEqual({ name: 'help', topic: 'repeat' });
    expect(parseArgs(['kernel', 'audit', '--help'])).toEqual({ name: 'help', topic: 'kernel' });
    expect(parseArgs(['--version', '--help'])).toEqual({ name: 'help', topic: 'version' });
  });

  it("passes a kernel's own --help after -- through to it", () => {
    expect(parseArgs(['kernel', 'repeat', '-f', 'c.json', '--', '--help'])).toMatchObject({ name: 'kernel-repeat', kernelArgs: ['--help'] });
  });

  it('names the command of help COMMAND in any spelling of help, and refuses an unknown one', () => {
    for (const help of ['help', '-h', '--help']) expect(parseArgs([help, 'deps'])).toEqual({ name: 'help', topic: 'deps' });
    expect(parseArgs(['help'])).toEqual({ name: 'help', topic: undefined });
    expect(() => parseArgs(['help', 'frobnicate'])).toThrow(/unknown command "frobnicate"/);
    expect(() => parseArgs(['help', 'audit', 'deps'])).toThrow(/one command at most/);
    expect(() => parseArgs(['help', '--yaml'])).toThrow(/unknown option --yaml/);
  });

  it('refuses arguments to version', () => {
    expect(() => parseArgs(['version', '--yaml'])).toThrow(/unknown option --yaml/);
    expect(() => parseArgs(['-V', 'extra'])).toThrow(/no arguments/);
  });

  it('knows the commands by their first word', () => {
    expect(commandName('repeat')).toBe('repeat');
    expect(commandName('--version')).toBe('version');
    expect(commandName('-h')).toBe('help');
    expect(commandName('kernel-audit')).toBeUndefined();
    expect(commandName('constructor')).toBeUndefined();
    expect(commandName(undefined)).toBeUndefined();
  });
});

describe('attach', () => {
  it('parses a notebook, a session and an output', () => {
    expect(parseArgs(['attach', 'a.ipynb'])).toEqual({ name: 'attach', notebook: 'a.ipynb', session: undefined, output: undefined });
    expect(parseArgs(['attach', 'a.ipynb', '--session', 'k-1.run-1', '-o', 'b.ipynb'])).toEqual({
      name: 'attach',
      notebook: 'a.ipynb',
      session: 'k-1.run-1',
      output: 'b.ipynb'
    });
    expect(parseArgs(['attach', '--session=k', '--output=b.ipynb', 'a.ipynb'])).toMatchObject({ session: 'k', output: 'b.ipynb' });
  });

  it('refuses no notebook, two notebooks and an empty session', () => {
    expect(() => parseArgs(['attach'])).toThrow(/one notebook/);
    expect(() => parseArgs(['attach', 'a.ipynb', 'b.ipynb'])).toThrow(/one notebook/);
    expect(() => parseArgs(['attach', 'a.ipynb', '--session'])).toThrow(/--session needs a value/);
    expect(() => parseArgs(['attach', 'a.ipynb', '--sesion', 'x'])).toThrow(/unknown option --sesion/);
  });

  it('has its own usage, in both spellings', () => {
    expect(parseArgs(['attach', '--help'])).toEqual({ name: 'help', topic: 'attach' });
    expect(parseArgs(['help', 'attach'])).toEqual({ name: 'help', topic: 'attach' });
  });
});

describe('package', () => {
  it('parses a notebook, an output and the limits', () => {
    expect(parseArgs(['package', 'a.ipynb'])).toEqual({
      name: 'package',
      notebook: 'a.ipynb',
      output: undefined,
      maxFileBytes: undefined,
      deny: [],
      allow: []
    });
    expect(parseArgs(['package', 'a.ipynb', '-o', 'x.tar.gz', '--max-file-size', '500M', '--deny', '~/secret/**, *.tok', '--allow=~/.netrc'])).toEqual({
      name: 'package',
      notebook: 'a.ipynb',
      output: 'x.tar.gz',
      maxFileBytes: 500 * 1024 * 1024,
      deny: ['~/secret/**', '*.tok'],
      allow: ['~/.netrc']
    });
  });

  it('refuses a missing notebook and a bad size', () => {
    expect(() => parseArgs(['package'])).toThrow(UsageError);
    expect(() => parseArgs(['package', 'a.ipynb', '--max-file-size', 'lots'])).toThrow(/not a size/);
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('4096')).toBe(4096);
  });
});

describe('deps', () => {
  it('parses a notebook or an archive, with and without --json', () => {
    expect(parseArgs(['deps', 'a.ipynb'])).toEqual({ name: 'deps', target: 'a.ipynb', json: false });
    expect(parseArgs(['deps', '--json', 'a.retrace.tar.gz'])).toEqual({ name: 'deps', target: 'a.retrace.tar.gz', json: true });
  });

  it('takes exactly one target and no unknown options', () => {
    expect(() => parseArgs(['deps'])).toThrow(/one notebook or container archive/);
    expect(() => parseArgs(['deps', 'a.ipynb', 'b.ipynb'])).toThrow(/one notebook/);
    expect(() => parseArgs(['deps', 'a.ipynb', '--yaml'])).toThrow(/unknown option/);
  });
});
