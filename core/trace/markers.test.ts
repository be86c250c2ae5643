import { describe, expect, it } from 'vitest';
import { buildEvents, TraceEvent } from './events';
import { CellSplitter, markerOf, parseMarkerPath, splitByCell } from './markers';
import { parseTrace } from './stream';

function events(log: string): TraceEvent[] {
  return buildEvents(parseTrace(log, { announceUnfinished: true }));
}

// Real lines from an audited kernel (16606 the kernel's main thread, 16636 the
// history thread, 16633 another thread), cut down; the second end mark is split.
const TWO_CELLS = `16626 1795303664.401855 accept4(13<socket:[63090]>, {sa_family=AF_INET, sin_port=htons(60130), sin_addr=inet_addr("127.0.0.1")}, [128 => 16], SOCK_CLOEXEC) = 65<socket:[63155]>
16606 1795303664.460302 newfstatat(AT_FDCWD</tmp/retrace-it-root-CyuKUf>, "/__retrace__/c07326d9e93a/begin/1/0/-", 0x7fffdcf84a00, 0) = -1 ENOENT (No such file or directory)
16636 1795303664.460738 newfstatat(AT_FDCWD</tmp/retrace-it-root-CyuKUf>, "/root/.ipython/profile_default/history.sqlite-journal", 0x7f21ad699e20, 0) = -1 ENOENT (No such file or directory)
16606 1795303665.791565 newfstatat(AT_FDCWD</tmp/retrace-it-root-CyuKUf>, "/__retrace__/c07326d9e93a/end/1/1/-", 0x7fffdcf84bf0, 0) = -1 ENOENT (No such file or directory)
16606 1795303665.803023 newfstatat(AT_FDCWD</tmp/retrace-it-root-CyuKUf>, "/__retrace__/c07326d9e93a/begin/2/0/9f3b-cell_A", 0x7fffdcf84a00, 0) = -1 ENOENT (No such file or directory)
16636 1795303665.806124 openat(AT_FDCWD</tmp/retrace-it-root-CyuKUf>, "/root/.ipython/profile_default/history.sqlite-journal", O_RDWR|O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0644) = 64</root/.ipython/profile_default/history.sqlite-journal>
16606 1795303665.806410 newfstatat(AT_FDCWD</tmp/retrace-it-root-CyuKUf>, "/__retrace__/c07326d9e93a/end/2/2/9f3b-cell_A",  <unfinished ...>
16636 1795303665.806444 newfstatat(64</root/.ipython/profile_default/history.sqlite-journal>, "", {st_mode=S_IFREG|0644, st_size=0, ...}, AT_EMPTY_PATH) = 0
16606 1795303665.806661 <... newfstatat resumed>0x7fffdcf84bf0, 0) = -1 ENOENT (No such file or directory)
16636 1795303665.808802 unlink("/root/.ipython/profile_default/history.sqlite-journal") = 0
16633 1795303665.854833 openat(AT_FDCWD</tmp/retrace-it-root-CyuKUf>, "/proc/16606/stat", O_RDONLY|O_CLOEXEC) = 48</proc/16606/stat>`;

describe('parseMarkerPath', () => {
  it('reads the agent marker path', () => {
    expect(parseMarkerPath('/__retrace__/c07326d9e93a/end/2/7/9f3b-cell_A')).toEqual({
      nonce: 'c07326d9e93a',
      edge: 'end',
      seq: 2,
      executionCount: 7,
      cellId: '9f3b-cell_A',
      codeHash: null
    });
    expect(parseMarkerPath('/__retrace__/ab/begin/1/0/-')).toMatchObject({ cellId: null, executionCount: 0, codeHash: null });
    expect(parseMarkerPath('/__retrace__/ab/begin/1/0/-/0123456789abcdef')).toMatchObject({ cellId: null, codeHash: '0123456789abcdef' });
    expect(parseMarkerPath('/__retrace__/ab/begin/4/0/cell-2/fedcba9876543210')).toMatchObject({ seq: 4, cellId: 'cell-2', codeHash: 'fedcba9876543210' });
  });

  it('rejects paths that only look like markers', () => {
    for (const path of [
      '/__retrace__/AB/begin/1/0/-',
      '/__retrace__/ab/middle/1/0/-',
      '/__retrace__/ab/begin/x/0/-',
      '/__retrace__/ab/begin/1/0/a/b',
      '/__retrace__/ab/begin/1/0/a/0123456789ABCDEF',
      '/__retrace__/ab/begin/1/0/a/0123456789abcde',
      '/__retrace__/ab/begin/1/0/' + 'a'.repeat(65),
      '/tmp/__retrace__/ab/begin/1/0/-'
    ]) {
      expect(parseMarkerPath(path)).toBeNull();
    }
  });

  it('only stat calls by path are markers', () => {
    const [stat, open] =
      events(`1 1.0 statx(AT_FDCWD</>, "/__retrace__/ab/begin/3/0/-", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ff) = -1 ENOENT (No such file or directory)
1 1.1 openat(AT_FDCWD</>, "/__retrace__/ab/begin/3/0/-", O_RDONLY) = -1 ENOENT (No such file or directory)`);
    expect(markerOf(stat)).toMatchObject({ seq: 3 });
    expect(markerOf(open)).toBeNull();
  });
});

describe('CellSplitter', () => {
  it('assigns events between begin and end marks to the cell, others to startup/between', () => {
    const assigned = [...splitByCell(events(TWO_CELLS))];
    const label = assigned.map(({ event, segment, marker }) => {
      const where = segment.kind === 'cell' ? `cell${segment.cell.seq}` : segment.kind;
      return `${event.line}:${event.pid}:${where}${marker ? `:${marker.edge}` : ''}`;
    });
    expect(label).toEqual([
      '1:16626:startup',
      '2:16606:cell1:begin',
      '3:16636:cell1',
      '4:16606:cell1:end',
      '5:16606:cell2:begin',
      '6:16636:cell2',
      '8:16636:cell2',
      // The split end mark comes out where it resumed, after line 8.
      '7:16606:cell2:end',
      '10:16636:between',
      '11:16633:between'
    ]);
    const second = assigned[4].segment;
    expect(second).toMatchObject({
      kind: 'cell',
      closedBy: 'end',
      cell: { nonce: 'c07326d9e93a', seq: 2, executionCount: 2, cellId: '9f3b-cell_A', pid: 16606, beginTime: 1795303665.803023, endTime: 1795303665.80641 }
    });
    expect(assigned[2].segment).toBe(assigned[1].segment); // one object per segment
    expect(assigned[8].segment).toMatchObject({ kind: 'between', afterSeq: 2 });
  });

  it('takes the execution count from the end mark', () => {
    const assigned = [...splitByCell(events(TWO_CELLS))];
    expect(assigned[1].segment).toMatchObject({ cell: { executionCount: 1, cellId: null } });
  });

  it('ignores marks of another nonce when told which one is ours', () => {
    const splitter = new CellSplitter({ nonce: 'ffff' });
    const kinds = events(TWO_CELLS).map(e => splitter.push(e).segment.kind);
    expect(new Set(kinds)).toEqual(new Set(['startup']));
  });

  it('records marks that do not pair up, and closes cells the log leaves open', () => {
    const splitter = new CellSplitter();
    const mark = (edge: string, seq: number) =>
      `1 ${seq}.0 newfstatat(AT_FDCWD</>, "/__retrace__/ab/${edge}/${seq}/0/-", 0x7ff, 0) = -1 ENOENT (No such file or directory)`;
    const log = [mark('end', 1), mark('begin', 2), mark('begin', 3), mark('end', 2), mark('begin', 3)].join('\n');
    const segments = events(log).map(e => splitter.push(e).segment);
    expect(splitter.anomalies.map(a => a.problem)).toEqual([
      'end-without-begin',
      'begin-inside-cell',
      'end-of-other-cell',
      'begin-inside-cell',
      'seq-not-increasing'
    ]);
    expect(segments[1]).toMatchObject({ kind: 'cell', closedBy: 'next-begin' });
    expect(splitter.finish()).toMatchObject({ kind: 'cell', closedBy: 'stream-end', cell: { seq: 3 } });
  });
});
