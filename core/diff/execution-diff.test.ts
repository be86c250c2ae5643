import { describe, expect, it } from 'vitest';
import type { CellLineageEvents } from '../contract/records';
import { describeDifferences, firstDifference } from './describe';
import { parseStep } from './events';
import { diffExecutions, type Execution } from './execution-diff';

const hashImage = (b64: string) => `h(${b64.length})`;
const H = (c: string) => 'sha256:' + c.repeat(64);
const names = { a: 'a.ipynb', b: 'b.ipynb' };

// As an audit records a cell that reads a CSV, runs `wc` on it and writes a summary.
const events = (csv: string, extra: string[] = []): CellLineageEvents => ({
  main: [`open:r:${csv}`, 'open:w:out/summary.txt', ...extra],
  children: [['exec:/usr/bin/wc ["wc","-c","data/x.csv"]', 'open:r:data/x.csv']],
  pool: ['open:r:data/x.csv']
});

function execution(over: Partial<Execution> = {}): Execution {
  return {
    codeHash: H('c'),
    lineage: H('1'),
    previousLineage: H('0'),
    reads: [{ path: 'data/x.csv', sha256: H('a'), size: 6 }],
    writes: [{ path: 'out/summary.txt', sha256: H('5'), size: 12 }],
    programs: ['/usr/bin/wc'],
    events: events('data/x.csv'),
    outputs: [{ output_type: 'stream', name: 'stdout', text: '6 data/x.csv\n' }],
    ...over
  };
}

describe('diffExecutions', () => {
  it('finds nothing between two identical executions', () => {
    const d = diffExecutions(execution(), execution(), hashImage, names);
    expect(d).toEqual({ reads: [], writes: [], programs: { onlyA: [], onlyB: [] }, notCompared: [], outputs: { same: true, differences: [] } });
    expect(describeDifferences(d, names)).toEqual([]);
  });

  it('names a data file read with other content, with both hashes, and the outputs that differ', () => {
    const b = execution({
      lineage: H('2'),
      reads: [{ path: 'data/x.csv', sha256: H('b'), size: 7 }],
      writes: [{ path: 'out/summary.txt', sha256: H('6'), size: 12 }],
      outputs: [{ output_type: 'stream', name: 'stdout', text: '7 data/x.csv\n' }]
    });
    const d = diffExecutions(execution(), b, hashImage, names);
    expect(d.reads).toEqual([{ path: 'data/x.csv', a: H('a'), b: H('b') }]);
    expect(d.event).toBeUndefined();
    expect(describeDifferences(d, names)).toEqual([
      `reads data/x.csv with different content: ${H('a')} in a.ipynb, ${H('b')} in b.ipynb`,
      `writes out/summary.txt with different content: ${H('5')} in a.ipynb, ${H('6')} in b.ipynb`,
      'output 1 (stream stdout) differs'
    ]);
    expect(firstDifference(d, {})).toEqual({
      line: 'reads data/x.csv with different content',
      difference: { kind: 'file', audit: `data/x.csv ${H('a')}`, repeat: `data/x.csv ${H('b')}` }
    });
  });

  it('lists files and programs only one side touched, and the first differing event with its syscall and arguments', () => {
    const b = execution({
      reads: [
        { path: 'data/x.csv', sha256: H('a'), size: 6 },
        { path: 'data/y.csv', sha256: H('e'), size: 2 }
      ],
      writes: [],
      programs: ['/usr/bin/wc', '/usr/bin/gzip'],
      events: { ...events('data/x.csv'), main: ['open:r:data/x.csv', 'open:r:data/y.csv'] }
    });
    const d = diffExecutions(execution(), b, hashImage, names);
    expect(d.event).toEqual({
      process: 'kernel',
      index: 2,
      a: parseStep('open:w:out/summary.txt'),
      b: { text: 'open:r:data/y.csv', syscall: 'open', args: 'r:data/y.csv' }
    });
    expect(describeDifferences(d, names)).toEqual([
      `only b.ipynb reads data/y.csv (${H('e')})`,
      `only a.ipynb writes out/summary.txt (${H('5')})`,
      'only b.ipynb runs /usr/bin/gzip',
      'first differing event: kernel, event 2: open w:out/summary.txt in a.ipynb; open r:data/y.csv in b.ipynb'
    ]);
    expect(firstDifference(d, {}, { a: 'the audit', b: 'the repeat' }).line).toBe('reads data/y.csv, which the audit did not');
  });

  it('finds the first differing child process and workers’ events as a set', () => {
    const a = events('data/x.csv');
    const child = { ...a, children: [['exec:/usr/bin/wc ["wc","-l","data/x.csv"]', 'open:r:data/x.csv']] };
    expect(diffExecutions(execution(), execution({ events: child }), hashImage).event).toMatchObject({
      process: 'child process 1',
      index: 1,
      b: { syscall: 'exec', args: '/usr/bin/wc ["wc","-l","data/x.csv"]' }
    });
    const pool = { ...a, pool: ['open:r:data/x.csv', 'open:r:data/z.csv'] };
    const d = diffExecutions(execution(), execution({ events: pool }), hashImage);
    expect(d.event).toEqual({ process: 'workers', b: parseStep('open:r:data/z.csv') });
    expect(firstDifference(d, {}).line).toBe('workers: does more: open:r:data/z.csv');
  });

  it('blames an earlier cell when the lineage carried in differs', () => {
    const d = diffExecutions(execution(), execution({ previousLineage: H('9') }), hashImage, names);
    expect(d.earlierCell).toEqual({ a: H('0'), b: H('9') });
    expect(firstDifference(d, {}).difference.kind).toBe('earlier-cell');
  });

  it('says what it cannot compare when a record is not at hand, and falls back on the metadata', () => {
    const fromMetadata = execution({ previousLineage: undefined, events: undefined });
    const d = diffExecutions(fromMetadata, execution({ lineage: H('2') }), hashImage, names);
    expect(d.notCompared).toEqual([
      'lineage carried in from the cell before (its record is not at hand): not known for a.ipynb',
      'events (the cell record is not at hand): not known for a.ipynb'
    ]);
    expect(firstDifference(d, { a: H('1'), b: H('2') })).toEqual({
      line: 'the lineage differs (its events are not in the container to say where)',
      difference: { kind: 'lineage', audit: H('1'), repeat: H('2') }
    });
  });
});
