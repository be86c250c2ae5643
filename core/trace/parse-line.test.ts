import { describe, expect, it } from 'vitest';
import { AT_FDCWD, parseArgs } from './args';
import { parseLine, parseResult, SyscallLine } from './parse-line';

function syscall(text: string): SyscallLine {
  const line = parseLine(text);
  if (line.type !== 'syscall') throw new Error(`expected a syscall, got ${line.type}`);
  return line;
}

describe('parseLine: syscalls', () => {
  it('reads pid, time, name, -y paths and an fd result', () => {
    const line = syscall(
      '11811 1795303461.697954 openat(AT_FDCWD</tmp>, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libc.so.6>'
    );
    expect(line.pid).toBe(11811);
    expect(line.time).toBeCloseTo(1795303461.697954, 6);
    expect(line.name).toBe('openat');
    expect(line.args[0]).toEqual({ type: 'fd', fd: AT_FDCWD, target: { kind: 'path', path: '/tmp' } });
    expect(line.args[1]).toEqual({ type: 'string', value: '/lib/x86_64-linux-gnu/libc.so.6', truncated: false });
    expect(line.args[2]).toEqual({ type: 'atom', text: 'O_RDONLY|O_CLOEXEC' });
    expect(line.result.value).toBe(3);
    expect(line.result.fd).toEqual({ kind: 'path', path: '/usr/lib/x86_64-linux-gnu/libc.so.6' });
  });

  it('reads errno results', () => {
    const line = syscall('11811 1795303461.694815 access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)');
    expect(line.result).toMatchObject({ value: -1, errno: 'ENOENT', errnoMessage: 'No such file or directory' });
  });

  it('reads structs with an elided tail and an fd annotation as dirfd', () => {
    const line = syscall(
      '11811 1795303461.697349 newfstatat(3</root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0>, "", {st_mode=S_IFREG|0755, st_size=23092688, ...}, AT_EMPTY_PATH) = 0'
    );
    expect(line.args[0]).toMatchObject({ type: 'fd', fd: 3, target: { path: '/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0' } });
    expect(line.args[2]).toMatchObject({ type: 'struct', truncated: true });
    expect(line.args[2].type === 'struct' && line.args[2].fields.map(f => f.name)).toEqual(['st_mode', 'st_size']);
    expect(line.args[3]).toEqual({ type: 'atom', text: 'AT_EMPTY_PATH' });
  });

  it('reads execve argv arrays and skips the envp comment', () => {
    const line = syscall('11822 1795303462.824507 execve("/usr/bin/uname", ["uname", "-p"], 0x5588da964100 /* 41 vars */) = 0');
    expect(line.args[1]).toMatchObject({ type: 'array', truncated: false, items: [{ value: 'uname' }, { value: '-p' }] });
    expect(line.args[2]).toEqual({ type: 'atom', text: '0x5588da964100' });
  });

  it('flags strings cut by -s and argv arrays with elements left out', () => {
    const line = syscall(
      '15459 1795303605.637399 execve("/usr/bin/bash", ["bash", "-c", "echo $\'\\\\x01\\\\t\'h\\303\\251llo \'a   b\' xxx"...], 0x7ffc553ede80 /* 35 vars */) = 0'
    );
    const argv = line.args[1];
    expect(argv.type === 'array' && argv.items[2]).toEqual({
      type: 'string',
      value: "echo $'\\x01\\t'héllo 'a   b' xxx",
      truncated: true
    });
    const many = syscall('1 2.0 execve("/bin/true", ["/bin/true", "1", "2", ...], 0x7ff /* 3 vars */) = 0');
    expect(many.args[1]).toMatchObject({ type: 'array', truncated: true });
    expect(many.args[1].type === 'array' && many.args[1].items).toHaveLength(3);
  });

  it('decodes escaped -y paths, including an escaped >', () => {
    const line = syscall(
      '15147 1795303598.065953 openat(AT_FDCWD</tmp/tr/sub dir>, "weird\\n\\"q\\"\\\\ \\303\\251>x.txt", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3</tmp/tr/sub dir/weird\\n\\"q\\"\\\\ \\303\\251\\76x.txt>'
    );
    expect(line.args[0]).toMatchObject({ target: { path: '/tmp/tr/sub dir' } });
    expect(line.args[1]).toMatchObject({ value: 'weird\n"q"\\ é>x.txt' });
    expect(line.result.fd).toEqual({ kind: 'path', path: '/tmp/tr/sub dir/weird\n"q"\\ é>x.txt' });
  });

  it('copes with an unescaped > and a comma inside a -y path (older strace)', () => {
    const line = syscall('7 1.5 newfstatat(3</tmp/a>b, c>, "", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0');
    expect(line.args[0]).toMatchObject({ fd: 3, target: { kind: 'path', path: '/tmp/a>b, c' } });
    expect(line.args).toHaveLength(4);
    expect(parseResult('4</tmp/x>y>').fd).toEqual({ kind: 'path', path: '/tmp/x>y' });
  });

  it('tells sockets, pipes and deleted files from paths', () => {
    const accept = syscall(
      '11813 1795303462.510070 accept4(9<socket:[43238]>, {sa_family=AF_INET, sin_port=htons(35922), sin_addr=inet_addr("127.0.0.1")}, [128 => 16], SOCK_CLOEXEC) = 17<socket:[42872]>'
    );
    expect(accept.args[0]).toMatchObject({ fd: 9, target: { kind: 'socket', protocol: 'socket', detail: '43238' } });
    expect(accept.args[2]).toMatchObject({ type: 'array', items: [{ type: 'update', before: { text: '128' }, after: { text: '16' } }] });
    expect(accept.result.fd).toMatchObject({ kind: 'socket', detail: '42872' });
    const tcp = parseArgs('5<TCP:[127.0.0.1:1234->127.0.0.1:5678]>, 6<UNIX:[12345->12346]>, 0<pipe:[42699]>, 7</tmp/x (deleted)>)');
    expect(tcp.args.map(a => a.type === 'fd' && a.target)).toEqual([
      { kind: 'socket', protocol: 'TCP', detail: '127.0.0.1:1234->127.0.0.1:5678', local: '127.0.0.1:1234', remote: '127.0.0.1:5678' },
      { kind: 'socket', protocol: 'UNIX', detail: '12345->12346', local: '12345', remote: '12346' },
      { kind: 'pipe', detail: '42699' },
      { kind: 'path', path: '/tmp/x', deleted: true }
    ]);
  });

  it('reads clone3 in/out structs and calls such as inet_pton', () => {
    const clone = syscall(
      '13837 1795303558.478227 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f1afc34e990, parent_tid=0x7f1afc34e990, exit_signal=0, stack=0x7f1afbb4e000, stack_size=0x7fff80, tls=0x7f1afc34e6c0} => {parent_tid=[13856]}, 88) = 13856'
    );
    expect(clone.args[0]).toMatchObject({ type: 'update', before: { type: 'struct' }, after: { type: 'struct' } });
    expect(clone.result.value).toBe(13856);
    const v6 = syscall(
      '15147 1795303598.075245 connect(8<socket:[57713]>, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ECONNREFUSED (Connection refused)'
    );
    expect(v6.args[1].type === 'struct' && v6.args[1].fields[3]).toMatchObject({ type: 'call', fn: 'inet_pton', args: [{}, { value: '::1' }, {}] });
  });

  it('keeps expressions it does not model as raw atoms', () => {
    const wait = syscall('15147 1795303598.123989 wait4(15207, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 15207');
    expect(wait.args).toHaveLength(4);
    expect(wait.args[1]).toMatchObject({ type: 'array', items: [{ type: 'struct', fields: [{ type: 'atom', text: 'WIFEXITED(s) && WEXITSTATUS(s) == 0' }] }] });
  });

  it('reads abstract unix socket names and results without a value', () => {
    const bind = syscall('9 3.25 bind(4<socket:[1]>, {sa_family=AF_UNIX, sun_path=@"/tmp/.X11-unix/X0"}, 20) = 0');
    expect(bind.args[1].type === 'struct' && bind.args[1].fields[1]).toMatchObject({ value: '/tmp/.X11-unix/X0', abstract: true });
    expect(syscall('13866 1795303558.768551 exit_group(0)   = ?').result).toMatchObject({ value: null });
    expect(parseResult('? ERESTARTSYS (To be restarted if SA_RESTART is set)')).toMatchObject({ value: null, errno: 'ERESTARTSYS' });
    expect(parseResult('0 (Timeout)')).toMatchObject({ value: 0, note: 'Timeout' });
  });
});

describe('parseLine: split calls, signals, exits', () => {
  it('reads unfinished halves', () => {
    expect(parseLine('11811 1795303462.509926 newfstatat(AT_FDCWD</tmp>, "/work/x.so",  <unfinished ...>')).toEqual({
      type: 'unfinished',
      pid: 11811,
      time: 1795303462.509926,
      name: 'newfstatat',
      argsRaw: 'AT_FDCWD</tmp>, "/work/x.so", '
    });
    expect(parseLine('11811 1795303462.822500 vfork( <unfinished ...>')).toMatchObject({ type: 'unfinished', name: 'vfork', argsRaw: '' });
  });

  it('reads resumed halves with their result', () => {
    const line = parseLine('11811 1795303462.510465 <... newfstatat resumed>0x7fff9ad8da50, 0) = -1 ENOENT (No such file or directory)');
    expect(line).toMatchObject({ type: 'resumed', name: 'newfstatat', restRaw: '0x7fff9ad8da50, 0', result: { errno: 'ENOENT' } });
    const clone = parseLine('16725 1795303668.171279 <... clone3 resumed> => {parent_tid=[16734]}, 88) = 16734');
    expect(clone).toMatchObject({ type: 'resumed', restRaw: ' => {parent_tid=[16734]}, 88', result: { value: 16734 } });
  });

  it('reads a thread execve that continues under the leader pid', () => {
    expect(parseLine('17618 1795303703.728670 execve("/bin/true", ["true"], 0x7ffc /* 38 vars */ <pid changed to 17577 ...>')).toMatchObject({
      type: 'unfinished',
      pid: 17618,
      name: 'execve',
      continuesAs: 17577
    });
    expect(parseLine('17577 1795303703.730091 +++ superseded by execve in pid 17618 +++')).toMatchObject({ type: 'superseded', pid: 17577, formerPid: 17618 });
  });

  it('reads signals', () => {
    const line = parseLine(
      '11811 1795303462.828215 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=11822, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---'
    );
    expect(line).toMatchObject({ type: 'signal', signal: 'SIGCHLD', info: { type: 'struct' } });
    expect(parseLine('5 1.0 --- stopped by SIGSTOP ---')).toMatchObject({ type: 'signal', signal: 'SIGSTOP', stopped: true });
  });

  it('reads exits and kills', () => {
    expect(parseLine('11822 1795303462.828098 +++ exited with 0 +++')).toEqual({ type: 'exit', pid: 11822, time: 1795303462.828098, code: 0 });
    expect(parseLine('15160 1795303597.123376 +++ exited with 1 +++')).toMatchObject({ code: 1 });
    expect(parseLine('15209 1795303598.123722 +++ killed by SIGKILL +++')).toMatchObject({ type: 'killed', signal: 'SIGKILL', coreDumped: false });
    expect(parseLine('8 2.5 +++ killed by SIGSEGV (core dumped) +++')).toMatchObject({ type: 'killed', signal: 'SIGSEGV', coreDumped: true });
  });

  it('keeps lines it cannot read as unknown', () => {
    expect(parseLine('strace: Process 1234 attached')).toEqual({ type: 'unknown', text: 'strace: Process 1234 attached' });
    expect(parseLine('12 1.0 something odd')).toMatchObject({ type: 'unknown', pid: 12, text: '12 1.0 something odd' });
    expect(parseLine('12 1.0 openat(AT_FDCWD</x>, "a"')).toMatchObject({ type: 'unknown' });
  });
});
