import { describe, expect, it } from 'vitest';
import { computeLineage, LINEAGE_ROOT } from '../lineage/lineage';
import { SessionAnalyzer } from './session-analyzer';

const ROOT = '/tmp/retrace-it-root-AZrM00';
const ctx = { notebookDir: ROOT, home: '/root', softwarePrefixes: ['/work/main/.venv'] };

/** A real cell from an audit kernel's log (library loading trimmed), after the kernel started thread 21416. */
const CELL = `21401 1795303920.886144 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f36d0f5a990, parent_tid=0x7f36d0f5a990, exit_signal=0, stack=0x7f36d075a000, stack_size=0x7fff80, tls=0x7f36d0f5a6c0} => {parent_tid=[21416]}, 88) = 21416
21401 1795303930.303803 newfstatat(AT_FDCWD<${ROOT}>, "/__retrace__/4cd716639cfc/begin/1/0/abc", 0x7ffd28106d90, 0) = -1 ENOENT (No such file or directory)
21416 1795303930.307042 openat(AT_FDCWD<${ROOT}>, "/root/.ipython/profile_default/history.sqlite-journal", O_RDWR|O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0644) = 64</root/.ipython/profile_default/history.sqlite-journal>
21401 1795303930.310000 openat(AT_FDCWD<${ROOT}>, "/usr/lib/python3.11/json/__init__.py", O_RDONLY|O_CLOEXEC) = 63</usr/lib/python3.11/json/__init__.py>
21401 1795303930.314730 openat(AT_FDCWD<${ROOT}>, "/tmp/a237tlfm", O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600 <unfinished ...>
21416 1795303930.314819 unlink("/root/.ipython/profile_default/history.sqlite-journal" <unfinished ...>
21401 1795303930.314948 <... openat resumed>) = 64</tmp/a237tlfm>
21401 1795303930.315016 unlink("/tmp/a237tlfm" <unfinished ...>
21416 1795303930.315030 <... unlink resumed>) = 0
21401 1795303930.315202 <... unlink resumed>) = 0
21401 1795303930.315588 openat(AT_FDCWD<${ROOT}>, "${ROOT}/input-for-audit.txt", O_RDONLY|O_CLOEXEC) = 64<${ROOT}/input-for-audit.txt>
21401 1795303930.315600 openat(AT_FDCWD<${ROOT}>, "out/result.csv", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 65<${ROOT}/out/result.csv>
21401 1795303930.316414 vfork( <unfinished ...>
21434 1795303930.469936 execve("/bin/true", ["/bin/true"], 0x5577537750c0 /* 92 vars */) = 0
21434 1795303930.471192 exit_group(0)   = ?
21401 1795303930.479001 <... vfork resumed>) = 21434
21434 1795303930.479051 +++ exited with 0 +++
21401 1795303930.479401 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=21434, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---
21401 1795303930.479742 wait4(21434, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 21434
21401 1795303930.490630 newfstatat(AT_FDCWD<${ROOT}>, "/__retrace__/4cd716639cfc/end/1/7/abc", 0x7ffd28106f80, 0) = -1 ENOENT (No such file or directory)
`;

function analyze(text: string, chunk = text.length) {
  const analyzer = new SessionAnalyzer({ context: ctx });
  const cells = [];
  for (let i = 0; i < text.length; i += chunk) cells.push(...analyzer.push(text.slice(i, i + chunk)));
  cells.push(...analyzer.end());
  return cells;
}

describe('SessionAnalyzer', () => {
  it('turns a cell of trace into its provenance', () => {
    const [cell, ...rest] = analyze(CELL);
    expect(rest).toEqual([]);
    expect(cell.closedBy).toBe('end');
    expect(cell.cell).toMatchObject({ seq: 1, executionCount: 7, cellId: 'abc', pid: 21401 });
    const p = cell.provenance;
    expect(p.reads.map(r => r.path)).toEqual([`${ROOT}/input-for-audit.txt`]);
    expect(p.writes).toEqual([`${ROOT}/out/result.csv`]);
    expect(p.programs).toEqual(['/bin/true']);
    expect(p.systemFilesRead).toBe(1);
    // the kernel main thread's ordered steps, without noise, system files or the temporary
    expect(p.lineageEvents.main).toEqual(['open:r:input-for-audit.txt', 'open:w:out/result.csv']);
    // /bin/true ran an installed program and touched no data: not lineage (it is in programs)
    expect(p.lineageEvents.children).toEqual([]);
    expect(p.lineageEvents.pool).toEqual([]);
    expect(p.processes).toBe(2);
  });

  it('keeps a process the cell started in lineage when it touches data, and one that only ran software out', () => {
    const child = (program: string, extra = '') => `21401 1795303930.316414 vfork( <unfinished ...>
21434 1795303930.469936 execve("${program}", ["x"], 0x5577537750c0 /* 92 vars */) = 0
${extra}21434 1795303930.471192 exit_group(0)   = ?
21401 1795303930.479001 <... vfork resumed>) = 21434
21434 1795303930.479051 +++ exited with 0 +++
`;
    const cell = (body: string) => CELL.split('\n').slice(0, 2).join('\n') + '\n' + body + CELL.split('\n').slice(-2).join('\n');
    const fontCache =
      '21434 1795303930.470000 openat(AT_FDCWD</r>, "/var/cache/fontconfig/x-le64.cache-8", O_RDONLY|O_CLOEXEC) = 3</var/cache/fontconfig/x-le64.cache-8>\n';
    const data = `21434 1795303930.470000 openat(AT_FDCWD<${ROOT}>, "${ROOT}/in.txt", O_RDONLY|O_CLOEXEC) = 3<${ROOT}/in.txt>\n`;
    expect(analyze(cell(child('/usr/bin/fc-list', fontCache)))[0].provenance.lineageEvents.children).toEqual([]);
    expect(analyze(cell(child('/usr/bin/gzip', data)))[0].provenance.lineageEvents.children).toEqual([['exec:/usr/bin/gzip ["x"]', 'open:r:in.txt']]);
    // a program of the notebook's own is not installed software
    expect(analyze(cell(child(`${ROOT}/tool`)))[0].provenance.lineageEvents.children).toEqual([['exec:tool ["x"]']]);
  });

  it('gives the same result however the log is cut into chunks', () => {
    const whole = analyze(CELL);
    for (const size of [1, 7, 100]) expect(analyze(CELL, size)).toEqual(whole);
  });

  it('abstracts pids and time: the same cell traced again has the same lineage', async () => {
    const again = CELL.replace(/\b214(\d\d)\b/g, '315$1').replace(/1795303930\./g, '1795309999.');
    const a = analyze(CELL)[0].provenance.lineageEvents;
    const b = analyze(again)[0].provenance.lineageEvents;
    const reads = [{ path: 'input-for-audit.txt', sha256: 'sha256:11' }];
    expect(await computeLineage(LINEAGE_ROOT, b, reads)).toBe(await computeLineage(LINEAGE_ROOT, a, reads));
    expect(await computeLineage(LINEAGE_ROOT, a, [{ path: 'input-for-audit.txt', sha256: 'sha256:22' }])).not.toBe(
      await computeLineage(LINEAGE_ROOT, a, reads)
    );
  });

  it('marks a cell the log stopped in as cut short, keeping what it did so far', () => {
    const cut = CELL.split('\n').slice(0, 12).join('\n') + '\n';
    const [cell] = analyze(cut);
    expect(cell.closedBy).toBe('stream-end');
    expect(cell.provenance.reads).toHaveLength(1);
  });

  it('lists the software a cell used and what ran outside cells', () => {
    const startup = `21401 1795303900.000001 execve("/work/main/.venv/bin/python", ["python", "-m", "ipykernel"], 0x1 /* 9 vars */) = 0
21401 1795303900.000100 openat(AT_FDCWD<${ROOT}>, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libc.so.6>
`;
    const analyzer = new SessionAnalyzer({ context: ctx });
    const [cell] = [...analyzer.push(startup + CELL), ...analyzer.end()];
    expect(cell.provenance.software).toEqual(['/bin/true', '/usr/lib/python3.11/json/__init__.py']);
    // as named, symlinks kept: the container needs /lib -> usr/lib as well
    expect(analyzer.outsideUse()).toEqual({
      software: ['/lib/x86_64-linux-gnu/libc.so.6', '/work/main/.venv/bin/python'],
      programs: ['/work/main/.venv/bin/python'],
      listed: [],
      probed: []
    });
  });

  it('reads a module through its cached bytecode: the same step as reading the source', () => {
    const viaCache = CELL.replace(
      `"${ROOT}/input-for-audit.txt", O_RDONLY|O_CLOEXEC) = 64<${ROOT}/input-for-audit.txt>`,
      `"${ROOT}/__pycache__/helpers.cpython-311.pyc", O_RDONLY|O_CLOEXEC) = 64<${ROOT}/__pycache__/helpers.cpython-311.pyc>`
    );
    const viaSource = CELL.replace(/input-for-audit\.txt/g, 'helpers.py');
    const a = analyze(viaCache)[0].provenance;
    const b = analyze(viaSource)[0].provenance;
    expect(a.reads.map(r => r.path)).toEqual([`${ROOT}/helpers.py`]);
    expect(a.software).toEqual(['/bin/true', '/usr/lib/python3.11/json/__init__.py']); // a user module is data, not software
    expect(a.lineageEvents).toEqual(b.lineageEvents);
  });

  it('keeps the cached bytecode of a library with its source, for the container', () => {
    const pyc = '/usr/lib/python3.11/json/__pycache__/decoder.cpython-311.pyc';
    const startup = `21401 1795303900.000100 openat(AT_FDCWD<${ROOT}>, "${pyc}", O_RDONLY|O_CLOEXEC) = 3<${pyc}>\n`;
    const analyzer = new SessionAnalyzer({ context: ctx });
    analyzer.push(startup);
    analyzer.end();
    expect(analyzer.outsideUse().software).toEqual(['/usr/lib/python3.11/json/__pycache__/decoder.cpython-311.pyc', '/usr/lib/python3.11/json/decoder.py']);
  });

  it('in a repeat sandbox, maps files reached through the host mount back and reports them', () => {
    const viaHost = CELL.replace(
      `"${ROOT}/input-for-audit.txt", O_RDONLY|O_CLOEXEC) = 64<${ROOT}/input-for-audit.txt>`,
      `"/srv/extra.txt", O_RDONLY|O_CLOEXEC) = 64</.retrace-host/srv/extra.txt>`
    );
    const analyzer = new SessionAnalyzer({ context: ctx, hostMount: '/.retrace-host' });
    const [cell] = [...analyzer.push(viaHost), ...analyzer.end()];
    expect(cell.provenance.fallThrough).toEqual(['/srv/extra.txt']);
    expect(cell.provenance.reads.map(r => r.path)).toEqual(['/srv/extra.txt']);
    expect(cell.provenance.lineageEvents.main[0]).toBe('open:r:/srv/extra.txt');
  });
});
