/**
 * What of a worker pool's activity is lineage: the data its tasks read, not when its
 * workers happened to start (their start-up programs, their O_TMPFILE scratch files),
 * and how sockets are named (UDP is not TCP).
 */
import { describe, expect, it } from 'vitest';
import { SessionAnalyzer } from './session-analyzer';

const NB = '/home/alice/work';
const ctx = { notebookDir: NB, home: '/home/alice', softwarePrefixes: ['/home/alice/.venv'] };
const PY = '/home/alice/.venv/bin/python';

const mark = (what: 'begin' | 'end', seq: number, t: string) =>
  `100 ${t} newfstatat(AT_FDCWD<${NB}>, "/__retrace__/n0nce/${what}/${seq}/${seq}/c${seq}", 0x7ffd, 0) = -1 ENOENT (No such file or directory)\n`;

/** The kernel's event-loop thread, started before any cell. */
const STARTUP = `100 1.000000 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x1, parent_tid=0x1, exit_signal=0, stack=0x1, stack_size=0x1, tls=0x1} => {parent_tid=[101]}, 88) = 101\n`;

/** A Dask worker starting: spawned from the event-loop thread, it runs `uname -p` and opens an unnamed scratch file. */
const WORKER_BOOT = `101 2.000000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1) = 200
200 2.000100 execve("${PY}", ["${PY}", "-c", "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)", "--multiprocessing-fork"], 0x1 /* 9 vars */) = 0
200 2.000200 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1) = 300
300 2.000300 execve("/usr/bin/uname", ["uname", "-p"], 0x1 /* 9 vars */) = 0
300 2.000400 +++ exited with 0 +++
200 2.000500 openat(AT_FDCWD<${NB}>, "/tmp/dask-scratch-space", O_RDWR|O_EXCL|O_NOFOLLOW|O_CLOEXEC|O_TMPFILE, 0600) = 75</tmp/dask-scratch-space/#9995604>(deleted)
`;

/** A task on the worker reading the notebook's data. */
const TASK_READ = `200 3.000000 openat(AT_FDCWD<${NB}>, "${NB}/data/x.csv", O_RDONLY|O_CLOEXEC) = 9<${NB}/data/x.csv>\n`;

function analyze(text: string) {
  const analyzer = new SessionAnalyzer({ context: ctx });
  return [...analyzer.push(text), ...analyzer.end()].map(c => c.provenance);
}

describe('a worker pool in lineage', () => {
  // cell 1 starts the cluster, cell 2 runs a task; workers may finish starting in either
  const early = STARTUP + mark('begin', 1, '1.5') + WORKER_BOOT + mark('end', 1, '2.5') + mark('begin', 2, '2.6') + TASK_READ + mark('end', 2, '3.5');
  const late = STARTUP + mark('begin', 1, '1.5') + mark('end', 1, '1.6') + mark('begin', 2, '1.7') + WORKER_BOOT + TASK_READ + mark('end', 2, '3.5');

  it('leaves out when workers start: their start-up programs and unnamed scratch files', () => {
    const [a1, a2] = analyze(early);
    const [b1, b2] = analyze(late);
    expect(a1.lineageEvents).toEqual(b1.lineageEvents);
    expect(a2.lineageEvents).toEqual(b2.lineageEvents);
    expect(a1.lineageEvents).toEqual({ main: [], children: [], pool: [] });
    // the program a worker ran is still listed, for the container
    expect(a1.programs).toEqual([PY, '/usr/bin/uname']);
  });

  it('keeps what a worker task read', () => {
    const [, cell2] = analyze(early);
    expect(cell2.lineageEvents.pool).toEqual(['open:r:data/x.csv']);
    expect(cell2.reads.map(r => r.path)).toEqual([`${NB}/data/x.csv`]);
  });

  it('does not count an O_TMPFILE open as a write to (or read of) its folder', () => {
    const [cell1] = analyze(early);
    expect(cell1.writes).toEqual([]);
    expect(cell1.reads).toEqual([]);
  });

  it('keeps a program the cell runs as a child, and a fork that runs none in the pool', () => {
    const cell = `${mark('begin', 1, '1.0')}100 1.100000 vfork() = 500
500 1.100100 execve("/bin/cat", ["cat", "data/y.csv"], 0x1 /* 9 vars */) = 0
500 1.100150 openat(AT_FDCWD<${NB}>, "data/y.csv", O_RDONLY) = 3<${NB}/data/y.csv>
500 1.100200 +++ exited with 0 +++
100 1.200000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1) = 600
600 1.200100 openat(AT_FDCWD<${NB}>, "${NB}/data/x.csv", O_RDONLY|O_CLOEXEC) = 9<${NB}/data/x.csv>
600 1.200200 +++ exited with 0 +++
${mark('end', 1, '1.3')}`;
    const [p] = analyze(cell);
    // (a child that only ran installed programs and touched no data is left out: see the cell-provenance tests)
    expect(p.lineageEvents.children).toEqual([['exec:/bin/cat ["cat","data/y.csv"]', 'open:r:data/y.csv']]);
    expect(p.lineageEvents.pool).toEqual(['open:r:data/x.csv']);
  });

  it("keeps a program of the notebook's own that a worker runs", () => {
    const run = `${mark('begin', 1, '1.0')}200 1.100000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1) = 700
700 1.100100 execve("${NB}/bin/convert.sh", ["./bin/convert.sh"], 0x1 /* 9 vars */) = 0
${mark('end', 1, '1.3')}`;
    const [p] = analyze(run);
    expect(p.lineageEvents.pool).toEqual(['exec:bin/convert.sh ["./bin/convert.sh"]']);
  });
});

describe('sockets in provenance', () => {
  it('names UDP and TCP from the socket() that made them, and says when it cannot tell', () => {
    const cell = `${mark('begin', 1, '1.0')}100 1.100000 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<socket:[62796]>
100 1.100100 connect(3<socket:[62796]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("8.8.8.8")}, 16) = 0
100 1.100200 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 4<socket:[62802]>
100 1.100300 connect(4<socket:[62802]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("10.0.0.5")}, 16) = 0
100 1.100400 connect(5<socket:[99999]>, {sa_family=AF_INET, sin_port=htons(8786), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
${mark('end', 1, '1.3')}`;
    const [p] = analyze(cell);
    expect(p.lineageEvents.main).toEqual(['connect:udp:8.8.8.8:80', 'connect:tcp:10.0.0.5:443', 'connect:inet:loopback:*']);
    expect(p.network).toEqual(['inet:loopback:*', 'tcp:10.0.0.5:443', 'udp:8.8.8.8:80']);
  });
});
