import { describe, expect, it } from 'vitest';
import { progressPrinter } from './package';

describe('retrace package progress lines', () => {
  const run = (tty: boolean) => {
    let out = '';
    let now = 0;
    const print = progressPrinter(
      tty,
      t => (out += t),
      () => now
    );
    const at = (ms: number, p: Parameters<typeof print>[0]) => ((now = ms), print(p));
    at(0, { phase: 'collecting', done: 0, total: 1 });
    at(100, { phase: 'copying', done: 1, total: 10 });
    at(150, { phase: 'copying', done: 2, total: 10 });
    at(6000, { phase: 'copying', done: 10, total: 10 });
    at(6100, { phase: 'archiving', done: 0, total: 2048, archiveBytes: 0 });
    at(6400, { phase: 'archiving', done: 1024, total: 2048, archiveBytes: 300 });
    at(6500, { phase: 'done', done: 1, total: 1 });
    return out;
  };

  it('writes a line per phase and every few seconds to a log', () => {
    expect(run(false).split('\n')).toEqual([
      'retrace: collecting what the audit used (0%)',
      'retrace: copying files 1/10 (6%)',
      'retrace: copying files 10/10 (35%)',
      'retrace: writing the archive: 0 B of 2.0 KiB, 0 B written (35%)',
      ''
    ]);
  });

  it('redraws one line on a terminal, bytes moving while archiving, and clears it at the end', () => {
    const out = run(true);
    expect(out).toContain('\r\x1b[Kwriting the archive: 1.0 KiB of 2.0 KiB, 300 B written (67%)');
    expect(out).not.toContain('\n');
    expect(out.endsWith('\r\x1b[K')).toBe(true);
  });
});
