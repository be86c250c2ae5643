import { describe, expect, it } from 'vitest';
import { TraceEvent, buildEvents, EventBuilder, openMode } from './events';
import { parseTrace } from './stream';

function events(log: string, initialCwd?: string): TraceEvent[] {
  return buildEvents(parseTrace(log, { announceUnfinished: true }), { initialCwd });
}

// Real lines from `strace -f ... python3 gen.py` (chdir, relative paths, renames).
const FILES = `15147 1795303598.061844 chdir("/tmp")   = 0
15147 1795303598.061952 mkdir("/tmp/tr/sub dir", 0777) = 0
15147 1795303598.062636 chdir("/tmp/tr/sub dir") = 0
15147 1795303598.062680 openat(AT_FDCWD</tmp/tr/sub dir>, "rel.txt", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3</tmp/tr/sub dir/rel.txt>
15147 1795303598.066387 rename("rel.txt", "rel2.txt") = 0
15147 1795303598.066435 unlink("rel2.txt") = 0
15147 1795303598.066851 mkdir("d", 0777) = 0
15147 1795303598.067203 rmdir("d")      = 0
15147 1795303598.074367 symlink("/etc/hostname", "lnk") = 0
15147 1795303598.074497 openat(AT_FDCWD</tmp/tr/sub dir>, ".", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3</tmp/tr/sub dir>
15147 1795303598.074672 openat(AT_FDCWD</tmp/tr/sub dir>, "/tmp", O_RDONLY|O_CLOEXEC|O_DIRECTORY) = 3</tmp>
15147 1795303598.074717 fchdir(3</tmp>) = 0
15147 1795303598.074747 newfstatat(AT_FDCWD</tmp>, "/__retrace__/abc123/begin/1/5/cell-id_1", 0x7ffc2a929520, 0) = -1 ENOENT (No such file or directory)
15147 1795303598.074800 readlink("x", "/etc/target", 4096) = 11
15147 1795303598.074850 openat(3</usr/lib>, "./python3/../os.py", O_RDONLY) = 4</usr/lib/os.py>
15147 1795303598.074900 unlinkat(AT_FDCWD</tmp>, "gone", AT_REMOVEDIR) = 0
15147 1795303598.074950 renameat2(AT_FDCWD</tmp>, "a", 5</srv>, "b", RENAME_NOREPLACE) = 0`;

describe('EventBuilder: files and directories', () => {
  it('resolves relative paths against the cwd after chdir, fchdir and AT_FDCWD', () => {
    const byLine = new Map(events(FILES).map(e => [e.line, e]));
    expect(byLine.get(4)).toMatchObject({ kind: 'open', path: '/tmp/tr/sub dir/rel.txt', access: 'write', create: true, truncate: true, fd: 3 });
    expect(byLine.get(5)).toMatchObject({ kind: 'rename', from: '/tmp/tr/sub dir/rel.txt', to: '/tmp/tr/sub dir/rel2.txt' });
    expect(byLine.get(6)).toMatchObject({ kind: 'unlink', path: '/tmp/tr/sub dir/rel2.txt' });
    expect(byLine.get(7)).toMatchObject({ kind: 'mkdir', path: '/tmp/tr/sub dir/d' });
    expect(byLine.get(8)).toMatchObject({ kind: 'rmdir', path: '/tmp/tr/sub dir/d' });
    expect(byLine.get(9)).toMatchObject({ kind: 'symlink', target: '/etc/hostname', path: '/tmp/tr/sub dir/lnk' });
    expect(byLine.get(10)).toMatchObject({ kind: 'listdir', path: '/tmp/tr/sub dir', fd: 3 });
    expect(byLine.get(12)).toMatchObject({ kind: 'chdir', path: '/tmp' });
    // After fchdir, a plain relative path resolves under /tmp.
    expect(byLine.get(14)).toMatchObject({ kind: 'readlink', path: '/tmp/x', target: '/etc/target' });
    expect(byLine.get(15)).toMatchObject({ kind: 'open', path: '/usr/lib/python3/../os.py', realPath: '/usr/lib/os.py' });
    expect(byLine.get(16)).toMatchObject({ kind: 'rmdir', path: '/tmp/gone' });
    expect(byLine.get(17)).toMatchObject({ kind: 'rename', from: '/tmp/a', to: '/srv/b' });
  });

  it('reports errno results and stats by fd', () => {
    const [missing, fstat] = events(
      `11811 1795303461.694952 openat(AT_FDCWD</tmp>, "/root/.pyenv/versions/3.11.7/lib/glibc-hwcaps/x86-64-v4/libpython3.11.so.1.0", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
11811 1795303461.697829 newfstatat(3</etc/ld.so.cache>, "", {st_mode=S_IFREG|0644, st_size=37975, ...}, AT_EMPTY_PATH) = 0`
    );
    expect(missing).toMatchObject({ kind: 'open', ok: false, errno: 'ENOENT', access: 'read' });
    expect(missing).not.toHaveProperty('fd');
    expect(fstat).toMatchObject({ kind: 'stat', path: '/etc/ld.so.cache', byFd: true, ok: true });
  });

  it('leaves a relative path relative when the cwd is unknown, and uses a known initial cwd', () => {
    expect(events('5 1.0 unlink("x") = 0')[0]).toMatchObject({ path: 'x', unresolved: true });
    expect(events('5 1.0 unlink("x") = 0', '/home/u')[0]).toMatchObject({ path: '/home/u/x' });
    expect(events('5 1.0 getcwd("/srv", 4096) = 5\n5 1.1 access("y", F_OK) = 0')[1]).toMatchObject({ kind: 'access', path: '/srv/y', mode: 'F_OK' });
  });

  it('maps open flags to access', () => {
    expect(openMode('O_RDWR|O_CREAT|O_EXCL')).toMatchObject({ access: 'readwrite', create: true, exclusive: true });
    expect(openMode('O_WRONLY|O_APPEND')).toMatchObject({ access: 'write', append: true, create: false });
    expect(openMode('O_RDWR|O_TMPFILE')).toMatchObject({ tmpfile: true, create: true, directory: false });
    expect(openMode('O_RDONLY|O_PATH|O_DIRECTORY')).toMatchObject({ pathOnly: true, directory: true });
  });
});

describe('EventBuilder: processes', () => {
  // Real lines: a thread (clone3), a vfork child that runs before vfork returns,
  // a fork child that exits 3 and one killed by SIGTERM.
  const PROCESSES = `15147 1795303598.062636 chdir("/tmp/tr/sub dir") = 0
15147 1795303598.075710 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f2750fa4990, parent_tid=0x7f2750fa4990, exit_signal=0, stack=0x7f27507a4000, stack_size=0x7fff80, tls=0x7f2750fa46c0} => {parent_tid=[15206]}, 88) = 15206
15206 1795303598.089156 openat(AT_FDCWD</tmp/tr/sub dir>, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 9</etc/hostname>
15206 1795303598.090000 chdir("/var") = 0
15206 1795303598.099299 +++ exited with 0 +++
15147 1795303598.099350 vfork( <unfinished ...>
15207 1795303598.102478 execve("/usr/bin/sh", ["sh", "-c", "cd /usr && ls bin >/dev/null; sleep 5 & kill -9 $!; wait"], 0x7ffc2a929c50 /* 38 vars */ <unfinished ...>
15147 1795303598.102569 <... vfork resumed>) = 15207
15207 1795303598.102773 <... execve resumed>) = 0
15207 1795303598.105931 chdir("/usr")   = 0
15207 1795303598.123982 +++ exited with 0 +++
15147 1795303598.124111 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f2751e46e50) = 15210
15210 1795303598.126128 exit_group(3)   = ?
15210 1795303598.126581 +++ exited with 3 +++
15147 1795303598.126614 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=15210, si_uid=0, si_status=3, si_utime=0, si_stime=0} ---
15147 1795303598.126651 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f2751e46e50) = 15211
15211 1795303598.130663 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=15147, si_uid=0} ---
15211 1795303598.133739 +++ killed by SIGTERM +++
15147 1795303598.140000 unlink("after") = 0`;

  it('follows threads, vfork and fork children, exec, exits and signals', () => {
    const builder = new EventBuilder();
    const all = parseTrace(PROCESSES, { announceUnfinished: true }).flatMap(r => builder.push(r));
    const of = (line: number) => all.filter(e => e.line === line);
    expect(of(2)).toMatchObject([{ kind: 'spawn', pid: 15147, child: 15206, spawnKind: 'clone', thread: true, sharesCwd: true }]);
    expect(of(3)).toMatchObject([{ pid: 15206, process: 15147, path: '/etc/hostname' }]);
    expect(of(5)).toMatchObject([{ kind: 'exit', pid: 15206, process: 15147, code: 0 }]);
    // The vfork child's exec came before vfork returned; it is still its own process.
    expect(of(7)).toMatchObject([{ kind: 'exec', pid: 15207, process: 15207, path: '/usr/bin/sh', argv: ['sh', '-c', expect.any(String)], ok: true }]);
    expect(of(6)).toMatchObject([{ kind: 'spawn', child: 15207, spawnKind: 'vfork', thread: false }]);
    expect(of(12)).toMatchObject([{ kind: 'spawn', child: 15210, spawnKind: 'fork', thread: false, sharesCwd: false }]);
    expect(of(14)).toMatchObject([{ kind: 'exit', pid: 15210, code: 3 }]);
    expect(of(15)).toMatchObject([{ kind: 'signal', signal: 'SIGCHLD', code: 'CLD_EXITED', fromPid: 15210 }]);
    expect(of(17)).toMatchObject([{ kind: 'signal', pid: 15211, signal: 'SIGTERM', code: 'SI_USER', fromPid: 15147 }]);
    expect(of(18)).toMatchObject([{ kind: 'exit', pid: 15211, signal: 'SIGTERM', coreDumped: false }]);
    // The thread shared the cwd (CLONE_FS): its chdir("/var") moved the process too;
    // the vfork child's chdir("/usr") did not.
    expect(of(19)).toMatchObject([{ kind: 'unlink', path: '/var/after' }]);
  });

  it('inherits the cwd at fork and keeps it apart afterwards', () => {
    const all = events(`100 1.0 chdir("/a") = 0
100 1.1 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101
101 1.2 chdir("b") = 0
101 1.3 openat(AT_FDCWD, "f", O_RDONLY) = 3
100 1.4 openat(AT_FDCWD, "f", O_RDONLY) = 3`);
    expect(all.map(e => ('path' in e ? e.path : e.kind))).toEqual(['/a', 'spawn', '/a/b', '/a/b/f', '/a/f']);
  });

  it('tracks the process table: parent, leader, executable', () => {
    const builder = new EventBuilder({ initialCwd: '/w' });
    for (const record of parseTrace(`1 1.0 execve("/usr/bin/python3", ["python3"], 0x1 /* 2 vars */) = 0
1 1.1 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} => {parent_tid=[2]}, 88) = 2
2 1.2 vfork() = 3
3 1.3 execve("./tool", ["./tool", "--x"], 0x2 /* 2 vars */) = 0`))
      builder.push(record);
    const table = builder.processes;
    expect(table.get(1)).toMatchObject({ leader: 1, executable: '/usr/bin/python3' });
    expect(table.get(2)).toMatchObject({ leader: 1, parent: 1, executable: '/usr/bin/python3' });
    expect(table.isThread(2)).toBe(true);
    expect(table.get(3)).toMatchObject({ leader: 3, parent: 2, executable: '/w/tool', argv: ['./tool', '--x'] });
    expect(table.cwdOf(3)).toBe('/w');
  });

  it('gives a thread exec the leader pid', () => {
    const builder = new EventBuilder();
    const all =
      parseTrace(`17577 1795303703.728168 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fee27284990, parent_tid=0x7fee27284990, exit_signal=0, stack=0x7fee26a84000, stack_size=0x7fff80, tls=0x7fee272846c0} => {parent_tid=[17618]}, 88) = 17618
17618 1795303703.728670 execve("/bin/true", ["true"], 0x7ffcf8867930 /* 38 vars */ <pid changed to 17577 ...>
17577 1795303703.730091 +++ superseded by execve in pid 17618 +++
17577 1795303703.730117 <... execve resumed>) = 0`).flatMap(r => builder.push(r));
    expect(all.at(-1)).toMatchObject({ kind: 'exec', pid: 17577, process: 17577, path: '/bin/true' });
    expect(builder.processes.has(17618)).toBe(false);
    expect(builder.processes.get(17577)?.executable).toBe('/bin/true');
  });
});

describe('EventBuilder: sockets', () => {
  it('reads endpoints of connect, bind, listen and accept', () => {
    const all =
      events(`11813 1795303462.509885 connect(16<socket:[42867]>, {sa_family=AF_INET, sin_port=htons(48251), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>
11813 1795303462.510033 <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)
15147 1795303598.074974 bind(5<socket:[57707]>, {sa_family=AF_UNIX, sun_path="/tmp/tr/sock"}, 15) = 0
15147 1795303598.075025 listen(5<socket:[57707]>, 1) = 0
15147 1795303598.075115 accept4(5<socket:[57707]>, {sa_family=AF_UNIX}, [110 => 2], SOCK_CLOEXEC) = 7<socket:[57711]>
13837 1795303558.476357 bind(3<socket:[53611]>, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0`);
    expect(all[0]).toMatchObject({ kind: 'connect', fd: 16, ok: false, errno: 'EINPROGRESS', endpoint: { family: 'inet', address: '127.0.0.1', port: 48251 } });
    expect(all[1]).toMatchObject({ kind: 'bind', endpoint: { family: 'unix', path: '/tmp/tr/sock', abstract: false } });
    expect(all[2]).toMatchObject({ kind: 'listen', fd: 5, socket: { kind: 'socket', detail: '57707' } });
    expect(all[2]).not.toHaveProperty('endpoint');
    expect(all[3]).toMatchObject({ kind: 'accept', acceptedFd: 7, endpoint: { family: 'unix', path: null } });
    expect(all[4]).toMatchObject({ kind: 'bind', endpoint: { family: 'other', name: 'netlink' } });
  });

  it("knows a socket's type from the socket() that made it, and an accepted one from its listener", () => {
    const all = events(`9 1.000001 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<socket:[62796]>
9 1.000002 connect(3<socket:[62796]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("8.8.8.8")}, 16) = 0
9 1.000003 socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 4<socket:[62802]>
9 1.000004 bind(4<socket:[62802]>, {sa_family=AF_INET6, sin6_port=htons(8786), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::", &sin6_addr), sin6_scope_id=0}, 28) = 0
9 1.000005 accept4(4<socket:[62802]>, {sa_family=AF_INET6, sin6_port=htons(4000), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, [28], SOCK_CLOEXEC) = 5<socket:[62900]>
9 1.000006 connect(5<socket:[62900]>, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
9 1.000007 connect(6<socket:[11111]>, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
9 1.000008 connect(7<UDP:[127.0.0.1:5000->127.0.0.1:53]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.1")}, 16) = 0`);
    const types = all.filter(e => e.kind !== 'other').map(e => (e as { socketType?: string }).socketType);
    expect(types).toEqual(['dgram', 'stream', 'stream', 'stream', undefined, 'dgram']);
  });
});
