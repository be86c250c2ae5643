import { describe, expect, it } from 'vitest';
import { defaultArchiveName, containerLocation, ReproduceRun, summaryLine } from './reproduce-run';

const summary = (reproduced: number, changed = 0, diverged = 0, failed = 0) => ({
  total: reproduced + changed + diverged + failed,
  reproduced,
  changed,
  diverged,
  failed
});

describe('where the container of a notebook is', () => {
  it('is <stem>.retrace.tar.gz beside it unless the notebook names one', () => {
    expect(defaultArchiveName('work/hep.ipynb')).toBe('hep.retrace.tar.gz');
    expect(containerLocation('work/hep.ipynb')).toEqual({ archive: 'hep.retrace.tar.gz', path: 'work/hep.retrace.tar.gz', named: false });
    expect(containerLocation('hep.ipynb')).toEqual({ archive: 'hep.retrace.tar.gz', path: 'hep.retrace.tar.gz', named: false });
    expect(containerLocation('work/hep.ipynb', './c/old.tar.gz')).toEqual({ archive: 'c/old.tar.gz', path: 'work/c/old.tar.gz', named: true });
    expect(containerLocation('work/hep.ipynb', '../shared/x.tar.gz')).toMatchObject({ archive: '../shared/x.tar.gz', path: 'shared/x.tar.gz' });
  });

  it('cannot be checked through the contents API when absolute or above the root', () => {
    expect(containerLocation('hep.ipynb', '/srv/c.tar.gz')).toEqual({ archive: '/srv/c.tar.gz', path: null, named: true });
    expect(containerLocation('hep.ipynb', '../c.tar.gz').path).toBeNull();
    expect(containerLocation('hep.ipynb', '  ').named).toBe(false);
  });
});

describe('the outcome in words', () => {
  it('says how many cells reproduced and what happened to the rest', () => {
    expect(summaryLine(summary(3), 3)).toBe('3 of 3 cells reproduced (0 changed, 0 diverged, 0 failed)');
    expect(summaryLine(summary(1, 1, 1, 1), 6, 2)).toBe('1 of 6 cells reproduced (1 changed, 1 diverged, 1 failed); 2 not run');
    expect(summaryLine(summary(1), 2, 0, 1)).toBe('1 of 2 cells reproduced (0 changed, 0 diverged, 0 failed); 1 without a verdict');
  });
});

describe('a Reproduce run as the toolbar shows it', () => {
  it('goes from starting the kernel to running to the summary', () => {
    const run = new ReproduceRun('a.ipynb', 3);
    let changes = 0;
    run.changed.connect(() => changes++);
    expect(run.text).toMatch(/^Starting the repeat kernel .*20 s/);
    run.running();
    run.progress({ summary: summary(1, 0, 1), notRun: 0, unjudged: 0 });
    expect(run.text).toBe('Reproducing: 2/3 cells · 1 reproduced, 0 changed, 1 diverged, 0 failed');
    run.finish({ summary: summary(2, 0, 1), notRun: 0, unjudged: 0 });
    expect(run.phase).toBe('done');
    expect(run.text).toBe('2 of 3 cells reproduced (0 changed, 1 diverged, 0 failed)');
    expect(run.allReproduced).toBe(false);
    expect(changes).toBe(3);
  });

  it('is all reproduced only when every cell is, and says why it failed', () => {
    const ok = new ReproduceRun('a.ipynb', 2);
    ok.finish({ summary: summary(2), notRun: 0, unjudged: 0 });
    expect(ok.allReproduced).toBe(true);
    const skipped = new ReproduceRun('a.ipynb', 2);
    skipped.finish({ summary: summary(2), notRun: 1, unjudged: 0 });
    expect(skipped.allReproduced).toBe(false);
    const failed = new ReproduceRun('a.ipynb', 2);
    failed.fail('bubblewrap is not installed');
    expect(failed.text).toBe('Not reproduced: bubblewrap is not installed');
  });
});
