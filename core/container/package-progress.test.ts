import { describe, expect, it } from 'vitest';
import type { PackageProgress } from '../contract/packaging';
import { describeProgress, progressFraction, ProgressThrottle } from './package-progress';

const MiB = 1024 * 1024;

describe('progressFraction', () => {
  it('only grows through a run, ending at 1', () => {
    const run: Array<PackageProgress | null> = [
      null,
      { phase: 'collecting', done: 0, total: 1 },
      { phase: 'copying', done: 1, total: 3274 },
      { phase: 'copying', done: 3274, total: 3274 },
      { phase: 'archiving', done: 0, total: 250 * MiB, archiveBytes: 0 },
      { phase: 'archiving', done: 100 * MiB, total: 250 * MiB, archiveBytes: 30 * MiB },
      { phase: 'archiving', done: 250 * MiB, total: 250 * MiB, archiveBytes: 83 * MiB },
      { phase: 'done', done: 1, total: 1 }
    ];
    const values = run.map(progressFraction);
    for (let i = 1; i < values.length; i++) expect(values[i], JSON.stringify(run[i])).toBeGreaterThanOrEqual(values[i - 1]);
    expect(values.at(-1)).toBe(1);
  });

  it('moves while the archive is written, by bytes', () => {
    const at = (done: number) => progressFraction({ phase: 'archiving', done, total: 200, archiveBytes: 0 });
    // Most of the bar is the archive: it took two thirds of the time on the examples.
    expect(at(200) - at(0)).toBeGreaterThan(0.5);
    expect(at(100)).toBeCloseTo((at(0) + at(200)) / 2);
  });

  it('stays in its phase on odd counts', () => {
    expect(progressFraction({ phase: 'copying', done: 0, total: 0 })).toBe(progressFraction({ phase: 'copying', done: 0, total: 10 }));
    expect(progressFraction({ phase: 'copying', done: 11, total: 10 })).toBe(progressFraction({ phase: 'copying', done: 10, total: 10 }));
    expect(progressFraction({ phase: 'archiving', done: 5, total: 10 })).toBeLessThan(1);
  });
});

describe('describeProgress', () => {
  it('says files while copying and bytes while archiving', () => {
    expect(describeProgress(null)).toBe('starting');
    expect(describeProgress({ phase: 'collecting', done: 0, total: 1 })).toBe('collecting what the audit used');
    expect(describeProgress({ phase: 'copying', done: 120, total: 3274 })).toBe('copying files 120/3274');
    expect(describeProgress({ phase: 'archiving', done: 120 * MiB, total: 238.4 * MiB, archiveBytes: 41.2 * MiB })).toBe(
      'writing the archive: 120.0 MiB of 238.4 MiB, 41.2 MiB written'
    );
    expect(describeProgress({ phase: 'archiving', done: 0, total: 2048 })).toBe('writing the archive: 0 B of 2.0 KiB');
    expect(describeProgress({ phase: 'done', done: 1, total: 1 })).toBe('done');
  });
});

describe('ProgressThrottle', () => {
  it('shows the first report of each phase, then one per interval', () => {
    const t = new ProgressThrottle(1000);
    const copying = (done: number): PackageProgress => ({ phase: 'copying', done, total: 10 });
    expect(t.shouldShow(copying(1), 0)).toBe(true);
    expect(t.shouldShow(copying(2), 500)).toBe(false);
    expect(t.shouldShow(copying(3), 1000)).toBe(true);
    expect(t.shouldShow({ phase: 'archiving', done: 0, total: 5 }, 1001)).toBe(true);
    expect(t.shouldShow({ phase: 'archiving', done: 1, total: 5 }, 1500)).toBe(false);
  });
});
