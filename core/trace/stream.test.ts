import { describe, expect, it } from 'vitest';
import { EventBuilder } from './events';
import { CellSplitter } from './markers';
import { SyscallRecord, TraceRecord, TraceStream, parseTrace } from './stream';

// Real lines (rh session log): two pids with calls split across each other.
const INTERLEAVED = `11811 1795303462.509926 newfstatat(AT_FDCWD</tmp>, "/work/main/.venv/lib/python3.11/site-packages/tornado/platform/__init__.cpython-311-x86_64-linux-gnu.so",  <unfinished ...>
11813 1795303462.510033 <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)
11813 1795303462.510070 accept4(9<socket:[43238]>, {sa_family=AF_INET, sin_port=htons(35922), sin_addr=inet_addr("127.0.0.1")}, [128 => 16], SOCK_CLOEXEC) = 17<socket:[42872]>
11811 1795303462.510465 <... newfstatat resumed>0x7fff9ad8da50, 0) = -1 ENOENT (No such file or directory)
11811 1795303463.102632 newfstatat(AT_FDCWD</tmp>, "/work/main/.venv/lib/python3.11/site-packages/IPython/core/logger.py",  <unfinished ...>
11823 1795303463.102665 newfstatat(AT_FDCWD</tmp>, "/root/.ipython/profile_default/history.sqlite-journal",  <unfinished ...>
11811 1795303463.102718 <... newfstatat resumed>{st_mode=S_IFREG|0644, st_size=8523, ...}, 0) = 0
11823 1795303463.102739 <... newfstatat resumed>0x7fcbb77fce20, 0) = -1 ENOENT (No such file or directory)
13837 1795303558.490017 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f1afab4b990, parent_tid=0x7f1afab4b990, exit_signal=0, stack=0x7f1afa34b000, stack_size=0x7fff80, tls=0x7f1afab4b6c0} <unfinished ...>
13857 1795303558.490142 accept4(26<socket:[53624]>,  <unfinished ...>
13837 1795303558.490185 <... clone3 resumed> => {parent_tid=[13859]}, 88) = 13859
13857 1795303558.490211 <... accept4 resumed>{sa_family=AF_INET, sin_port=htons(37494), sin_addr=inet_addr("127.0.0.1")}, [128 => 16], SOCK_CLOEXEC) = 34<socket:[52623]>
`;

function syscalls(records: TraceRecord[]): SyscallRecord[] {
  return records.filter((r): r is SyscallRecord => r.type === 'syscall');
}

describe('TraceStream', () => {
  it('pairs unfinished and resumed halves of the same pid across other pids', () => {
    const records = parseTrace(INTERLEAVED);
    const calls = syscalls(records);
    expect(calls.map(c => `${c.pid} ${c.name}`)).toEqual([
      '11813 connect',
      '11813 accept4',
      '11811 newfstatat',
      '11811 newfstatat',
      '11823 newfstatat',
      '13837 clone3',
      '13857 accept4'
    ]);
    const first = calls[2];
    expect(first).toMatchObject({ time: 1795303462.509926, resumedTime: 1795303462.510465, line: 1, resumedLine: 4 });
    expect(first.args.map(a => a.type)).toEqual(['fd', 'string', 'atom', 'atom']);
    expect(first.result.errno).toBe('ENOENT');
    expect(calls[3].args[2]).toMatchObject({ type: 'struct', fields: [{ name: 'st_mode' }, { name: 'st_size' }] });
    expect(calls[5].result.value).toBe(13859);
    expect(calls[5].args[0]).toMatchObject({ type: 'update', after: { type: 'struct' } });
    expect(calls[6].args[1]).toMatchObject({ type: 'struct', fields: [{ name: 'sa_family' }, {}, {}] });
    // The connect resumed without its start in this excerpt.
    expect(calls[0].incomplete).toBe('no-start');
    expect(calls.filter(c => c.incomplete)).toHaveLength(1);
  });

  it('gives the same records however the text is chunked, even mid-line and mid-escape', () => {
    const text =
      INTERLEAVED +
      '15147 1795303598.065953 openat(AT_FDCWD</tmp/tr/sub dir>, "weird\\n\\"q\\"\\\\ \\303\\251>x.txt", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3</tmp/tr/sub dir/weird\\n\\"q\\"\\\\ \\303\\251\\76x.txt>\n';
    const whole = parseTrace(text);
    for (let cut = 1; cut < text.length; cut += 7) {
      const stream = new TraceStream();
      const pieces = [...stream.push(text.slice(0, cut)), ...stream.push(text.slice(cut)), ...stream.end()];
      expect(pieces).toEqual(whole);
    }
    // Cut inside `\303\251` in particular.
    const at = text.indexOf('\\251') + 2;
    const stream = new TraceStream();
    const split = [...stream.push(text.slice(0, at)), ...stream.push(text.slice(at)), ...stream.end()];
    expect(syscalls(split).at(-1)?.args[1]).toMatchObject({ value: 'weird\n"q"\\ é>x.txt' });
  });

  it('decodes byte chunks that split a UTF-8 character', () => {
    const bytes = new TextEncoder().encode('1 1.5 unlink("/tmp/café") = 0\n2 1.6 +++ exited with 0 +++\n');
    const inside = bytes.indexOf(0xc3) + 1; // between the two bytes of é
    const stream = new TraceStream();
    const records = [...stream.push(bytes.subarray(0, inside)), ...stream.push(bytes.subarray(inside)), ...stream.end()];
    expect(syscalls(records)[0].args[0]).toMatchObject({ value: '/tmp/café' });
    expect(records[1]).toMatchObject({ type: 'exit', pid: 2, line: 2 });
  });

  it('flushes a last line without newline and calls that never resumed', () => {
    const stream = new TraceStream();
    expect(stream.push('13857 1795303558.490142 accept4(26<socket:[53624]>,  <unfinished ...>\n')).toEqual([]);
    expect(stream.pendingCalls).toBe(1);
    expect(stream.push('11822 1795303462.828098 +++ exited with 0 +++')).toEqual([]);
    const rest = stream.end();
    expect(rest.map(r => r.type)).toEqual(['exit', 'syscall']);
    expect(rest[1]).toMatchObject({ name: 'accept4', incomplete: 'no-result', result: { value: null }, args: [{ fd: 26 }] });
    expect(stream.pendingCalls).toBe(0);
  });

  it('ends a pending call when its process exits or is killed', () => {
    const records = parseTrace(
      [
        '15207 1795303598.106943 wait4(-1,  <unfinished ...>',
        '15209 1795303598.123722 +++ killed by SIGKILL +++',
        '15207 1795303598.123868 +++ killed by SIGTERM +++',
        '13864 1795303559.066269 exit(0 <unfinished ...>',
        '13864 1795303559.066396 <... exit resumed>) = ?',
        '13864 1795303559.066521 +++ exited with 0 +++'
      ].join('\n')
    );
    expect(records.map(r => (r.type === 'syscall' ? `${r.name}:${r.incomplete ?? 'ok'}` : r.type))).toEqual([
      'killed',
      'wait4:no-result',
      'killed',
      'exit:ok',
      'exit'
    ]);
  });

  it('finishes a thread execve under the leader pid that took it over', () => {
    const records = parseTrace(
      [
        '17577 1795303703.700000 wait4(-1,  <unfinished ...>',
        '17618 1795303703.728670 execve("/bin/true", ["true"], 0x7ffcf8867930 /* 38 vars */ <pid changed to 17577 ...>',
        '17577 1795303703.730091 +++ superseded by execve in pid 17618 +++',
        '17577 1795303703.730117 <... execve resumed>) = 0'
      ].join('\n')
    );
    expect(records.map(r => r.type)).toEqual(['syscall', 'superseded', 'syscall']);
    expect(records[0]).toMatchObject({ name: 'wait4', incomplete: 'no-result' });
    expect(records[2]).toMatchObject({ pid: 17577, name: 'execve', time: 1795303703.72867, result: { value: 0 } });
  });

  it('can announce unfinished halves as they are read', () => {
    const records = parseTrace(INTERLEAVED, { announceUnfinished: true });
    expect(records.filter(r => r.type === 'unfinished')).toHaveLength(5);
  });

  it('skips a line longer than the limit without holding it', () => {
    const stream = new TraceStream({ maxLineLength: 100 });
    const out = [...stream.push('1 1.0 openat("' + 'x'.repeat(150)), ...stream.push('y'.repeat(500))];
    expect(out).toMatchObject([{ type: 'unknown', oversized: true }]);
    expect(stream.bufferedChars).toBe(0);
    const after = [...stream.push('zz") = 3\n2 2.0 +++ exited with 0 +++\n'), ...stream.end()];
    expect(after).toMatchObject([{ type: 'exit', pid: 2 }]);
  });
});

describe('a long synthetic trace', () => {
  it('streams 200,000 events with bounded pending state', { timeout: 60_000 }, () => {
    const PIDS = 40;
    const TOTAL = 200_000;
    const stream = new TraceStream({ announceUnfinished: true });
    const builder = new EventBuilder({ initialCwd: '/work' });
    const splitter = new CellSplitter();
    let time = 1_700_000_000;
    let seq = 0;
    let events = 0;
    let merged = 0;
    let maxPending = 0;
    let maxBuffered = 0;
    let maxProcesses = 0;
    let expectedEvents = 0; // a split call is one event
    const open = new Set<number>();
    const take = (records: TraceRecord[]): void => {
      for (const record of records) {
        if (record.type === 'syscall' && record.resumedLine !== undefined) merged++;
        for (const event of builder.push(record)) {
          events++;
          splitter.push(event);
        }
      }
      maxPending = Math.max(maxPending, stream.pendingCalls);
      maxBuffered = Math.max(maxBuffered, stream.bufferedChars);
      maxProcesses = Math.max(maxProcesses, builder.processes.size);
    };
    let text = '';
    let chunkSize = 1;
    for (let n = 0; n < TOTAL; n++) {
      const pid = 1000 + ((n * 7) % PIDS);
      const t = (time += 0.000013).toFixed(6);
      if (!open.has(pid) || n % 5000 === 0) expectedEvents++;
      if (n % 5000 === 0) {
        seq++;
        text += `1000 ${t} newfstatat(AT_FDCWD</work>, "/__retrace__/ab12/${seq % 2 ? 'begin' : 'end'}/${Math.ceil(seq / 2)}/0/c-${seq}", 0x7ff, 0) = -1 ENOENT (No such file or directory)\n`;
      } else if (open.has(pid)) {
        open.delete(pid);
        text += `${pid} ${t} <... openat resumed>) = 3</work/data/f${n}.csv>\n`;
      } else if (n % 3 === 0) {
        open.add(pid);
        text += `${pid} ${t} openat(AT_FDCWD</work>, "data/f${n}.csv", O_RDONLY|O_CLOEXEC <unfinished ...>\n`;
      } else {
        text += `${pid} ${t} newfstatat(AT_FDCWD</work>, "m${n}.py", {st_mode=S_IFREG|0644, st_size=${n}, ...}, 0) = 0\n`;
      }
      if (text.length >= chunkSize) {
        take(stream.push(text));
        text = '';
        chunkSize = 1 + ((chunkSize * 31) % 8191); // varied sizes, most cutting lines
      }
    }
    take(stream.push(text));
    take(stream.end());
    splitter.finish();

    expect(events).toBe(expectedEvents);
    expect(merged).toBeGreaterThan(20_000);
    expect(maxPending).toBeLessThanOrEqual(PIDS);
    expect(maxBuffered).toBeLessThan(8192 + 200);
    expect(maxProcesses).toBeLessThanOrEqual(PIDS);
    expect(splitter.anomalies).toEqual([]);
    expect(splitter.current.kind).toBe('between');
  });
});
