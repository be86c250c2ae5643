// bench/audit-overhead: what auditing costs. Runs each example notebook with the plain
// `python3` kernel and with the `retrace-audit` kernel (with and without strace's
// --seccomp-bpf), alternating the variants within each round so that machine noise hits
// them alike, and prints median wall-clock times and the paired ratios to plain.
// Nothing here asserts on time: it measures and reports. See bench/README.md.
//
//   bench/audit-overhead [--rounds N] [--notebooks a,b] [--variants v1,v2] [--timeout S]
//                        [--no-warmup] [--keep]
//
//   --rounds N        rounds of every variant on every notebook (default 3)
//   --notebooks a,b   example notebooks, with or without .ipynb (default: all of examples/)
//   --variants ...    plain,audit,audit-noseccomp (default), and strace-kernel: the kernel
//                     under the audit kernel's strace command line without retrace's launcher
//   --timeout S       bound on each run, in seconds (default 900)
//   --no-warmup       skip the untimed plain run of each notebook before round 1
//   --keep            keep each run's temporary folder (its path is printed with the run)
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printHeaderHelp } from '../scripts/header-help.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VENV_BIN = join(REPO, '.venv', 'bin');
const EXAMPLES = join(REPO, 'examples');
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

// ---------------------------------------------------------------- variants

/**
 * Every variant runs the same executor (nbconvert) on the same notebook; only the
 * kernel differs. `strace-kernel` is opt-in: the kernel under exactly the strace
 * command line the audit kernel uses, but started by Jupyter directly, without retrace's
 * Node launcher following and analysing the log, to separate strace's cost from retrace's.
 */
const VARIANTS = {
  plain: { kernel: 'python3', env: {} },
  audit: { kernel: 'retrace-audit', env: { RETRACE_SECCOMP_BPF: undefined }, audited: true, seccomp: true },
  'audit-noseccomp': { kernel: 'retrace-audit', env: { RETRACE_SECCOMP_BPF: '0' }, audited: true, seccomp: false },
  'strace-kernel': { kernel: 'retrace-bench-strace', env: {}, straceKernel: true },
  repeat: { kernel: 'retrace-repeat', env: {}, repeat: true }
};
/** Per notebook: the container a `repeat` run uses, made once before the rounds (see prepareContainers). */
const CONTAINERS = new Map();
let containerCache;
const DEFAULT_VARIANTS = ['plain', 'audit', 'audit-noseccomp'];

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { rounds: 3, notebooks: undefined, variants: DEFAULT_VARIANTS, timeout: 900, warmup: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--rounds') opts.rounds = positiveInt(a, value());
    else if (a === '--timeout') opts.timeout = positiveInt(a, value());
    else if (a === '--notebooks') opts.notebooks = value().split(',').filter(Boolean);
    else if (a === '--variants') opts.variants = value().split(',').filter(Boolean);
    else if (a === '--no-warmup') opts.warmup = false;
    else if (a === '--keep') opts.keep = true;
    else if (a === '-h' || a === '--help') printHeaderHelp(import.meta.url);
    else die(`unknown argument ${a} (see --help)`);
  }
  for (const v of opts.variants) if (!VARIANTS[v]) die(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(', ')}`);
  if (!opts.variants.includes('plain')) die('--variants must include plain: ratios are to plain');
  const available = readdirSync(EXAMPLES)
    .filter(f => f.endsWith('.ipynb'))
    .sort();
  if (opts.notebooks) {
    opts.notebooks = opts.notebooks.map(n => (n.endsWith('.ipynb') ? n : `${n}.ipynb`));
    for (const n of opts.notebooks) if (!available.includes(n)) die(`no examples/${n}; there are: ${available.join(', ')}`);
  } else opts.notebooks = available;
  return opts;
}

function positiveInt(flag, s) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) die(`${flag} wants a positive integer, not ${s}`);
  return n;
}

function die(message) {
  process.stderr.write(`audit-overhead: ${message}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- one run

/**
 * Run one notebook once in a fresh copy of examples/, with its own RETRACE_HOME and
 * TMPDIR (nbconvert puts the kernel's connection file in TMPDIR, and the audit kernel
 * treats that folder as noise, so a shared /tmp would hide the copy's files from it).
 */
async function runOnce(notebook, variantName, opts) {
  const variant = VARIANTS[variantName];
  const root = mkdtempSync(join(tmpdir(), `retrace-bench-${variantName}-`));
  const work = join(root, 'examples');
  cpSync(EXAMPLES, work, { recursive: true, filter: src => !/\/(data|\.ipynb_checkpoints)$/.test(src) });
  const retraceHome = join(root, 'retrace-home');
  const tmp = join(root, 'tmp');
  mkdirSync(tmp);

  const env = { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: retraceHome, TMPDIR: tmp };
  for (const [k, v] of Object.entries(variant.env)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (variant.straceKernel) env.JUPYTER_PATH = writeStraceKernelspec(root);
  if (variant.repeat) Object.assign(env, { RETRACE_CONTAINER: CONTAINERS.get(notebook).archive, RETRACE_CONTAINER_CACHE: containerCache });

  const argv = [
    join(VENV_BIN, 'jupyter'),
    'nbconvert',
    '--to',
    'notebook',
    '--execute',
    `--ExecutePreprocessor.kernel_name=${variant.kernel}`,
    '--ExecutePreprocessor.timeout=600',
    '--output',
    'out.ipynb',
    notebook
  ];
  const result = { notebook, variant: variantName, root };
  try {
    Object.assign(result, await timedRun(argv, { cwd: work, env, timeoutMs: opts.timeout * 1000 }));
    if (result.ok && variant.audited) checkAudited(result, retraceHome, variant);
    if (result.ok && variant.audited) result.details = await sessionDetails(retraceHome, join(work, notebook));
    if (result.ok && variant.repeat) checkRepeated(result, retraceHome, CONTAINERS.get(notebook).audited);
    if (result.ok && variant.straceKernel) result.details = { trace: await countLines(join(root, 'strace-kernel.log')) };
  } finally {
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
  }
  return result;
}

/**
 * Spawn argv under a tiny bash wrapper whose `times` reports the CPU time of the whole
 * process tree (every process is reaped by its parent, so it adds up in the wrapper's
 * children's usage). While it runs, sample /proc every 250 ms for the processes of the
 * tree and their CPU time. Jupyter starts kernels in a session of their own, so on a
 * timeout (or if anything outlives the run) the processes seen are killed one by one.
 */
function timedRun(argv, { cwd, env, timeoutMs }) {
  const wrapper = '"$@" >"$OUT" 2>&1; rc=$?; times >&3; exit $rc';
  const log = join(env.TMPDIR, 'nbconvert.log');
  return new Promise(done => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', wrapper, 'bash', ...argv], {
      cwd,
      env: { ...env, OUT: log },
      stdio: ['ignore', 'ignore', 'inherit', 'pipe']
    });
    let times = '';
    child.stdio[3].on('data', d => (times += d));
    const tree = new TreeSampler(child.pid);
    const sampling = setInterval(() => tree.sample(), 250);
    let timedOut = false;
    const killer = setTimeout(() => {
      timedOut = true;
      tree.killAll();
    }, timeoutMs);
    child.on('close', async (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearInterval(sampling);
      clearTimeout(killer);
      // Dask workers may take a moment to go after their kernel; anything still there is a fault.
      let leftovers = tree.alive();
      for (let i = 0; i < 20 && leftovers.length; i++) {
        await new Promise(r => setTimeout(r, 100));
        leftovers = tree.alive();
      }
      if (leftovers.length) tree.killAll();
      const ok = code === 0 && !timedOut && leftovers.length === 0;
      const why = timedOut
        ? `timed out after ${timeoutMs / 1000} s`
        : code !== 0
          ? `exit ${code ?? signal}`
          : leftovers.length
            ? `left ${leftovers.length} processes running (${leftovers.map(p => p.comm).join(', ')}), killed`
            : undefined;
      const tail = ok ? undefined : readTail(log, 15);
      done({ ok, why, tail, seconds, cpu: childCpu(times), ...tree.totals() });
    });
  });
}

/** bash `times`: the second line is the children's user and system time, e.g. `0m6.068s 0m0.790s`. */
function childCpu(times) {
  const line = times.trim().split('\n')[1];
  if (!line) return undefined;
  const secs = line.split(/\s+/).map(t => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  });
  return secs.reduce((a, b) => a + b, 0);
}

function readTail(file, lines) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** The processes under a root, as sampled from /proc: kind, latest CPU time, start time. */
class TreeSampler {
  constructor(root) {
    this.root = root;
    this.seen = new Map(); // pid -> { pid, comm, kind, cpu, start }
  }

  sample() {
    const procs = new Map();
    for (const name of safeReaddir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const stat = readStat(Number(name));
      if (stat) procs.set(stat.pid, stat);
    }
    const inTree = pid => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
        if (p === this.root) return true;
        p = procs.get(p)?.ppid ?? 0;
      }
      return false;
    };
    for (const stat of procs.values()) {
      let known = this.seen.get(stat.pid);
      if (known && known.start !== stat.start) known = undefined; // the pid was reused
      // Once seen, a process is followed even after it is orphaned.
      if (!known && !inTree(stat.pid)) continue;
      // Classified from the command line until it says something (the launcher is a python that execs node).
      const kind = known && known.kind !== 'other' ? known.kind : classify(stat);
      this.seen.set(stat.pid, { pid: stat.pid, comm: stat.comm, kind, cpu: stat.cpu, start: stat.start });
    }
  }

  /** Processes seen in the tree that still run (orphans included: they keep pid and start time). */
  alive() {
    return [...this.seen.values()].filter(p => p.pid !== this.root && readStat(p.pid)?.start === p.start);
  }

  killAll() {
    this.sample();
    for (const p of [{ pid: this.root }, ...this.alive()]) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }

  /** CPU seconds by kind, as last sampled (anything in the last 250 ms of a process is missed). */
  totals() {
    const sum = kind => [...this.seen.values()].filter(p => p.kind === kind).reduce((a, p) => a + p.cpu, 0);
    return { launcherCpu: sum('launcher'), straceCpu: sum('strace') };
  }
}

function classify(stat) {
  if (stat.comm === 'strace') return 'strace';
  let cmdline;
  try {
    cmdline = readFileSync(`/proc/${stat.pid}/cmdline`, 'latin1');
  } catch {
    return 'other';
  }
  if (cmdline.includes('retrace.cjs') && cmdline.includes('\0kernel\0')) return 'launcher';
  return 'other';
}

function readStat(pid) {
  let s;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const close = s.lastIndexOf(')');
  const comm = s.slice(s.indexOf('(') + 1, close);
  const f = s.slice(close + 2).split(' '); // f[0] is field 3 (state)
  return { pid, comm, ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK, start: f[19] };
}

function safeReaddir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A kernelspec running the plain kernel under the audit kernel's own strace command line. */
function writeStraceKernelspec(root) {
  const src = readFileSync(join(REPO, 'core/capture/kernel-command.ts'), 'utf8');
  const syscalls = /export const TRACED_SYSCALLS = '([^']+)'/.exec(src)?.[1];
  if (!syscalls) die('could not read TRACED_SYSCALLS from core/capture/kernel-command.ts');
  const jupyterPath = join(root, 'jupyter');
  const dir = join(jupyterPath, 'kernels', 'retrace-bench-strace');
  mkdirSync(dir, { recursive: true });
  const argv = [
    'strace',
    '-f',
    '--seccomp-bpf',
    '-ttt',
    '-y',
    '-s',
    '512',
    '-e',
    `trace=${syscalls}`,
    '-o',
    join(root, 'strace-kernel.log'),
    '--',
    join(VENV_BIN, 'python'),
    '-m',
    'ipykernel_launcher',
    '-f',
    '{connection_file}',
    '--ext=jupyterlab_retrace.kernel_agent'
  ];
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify({ argv, display_name: 'strace only (bench)', language: 'python' }));
  return jupyterPath;
}

// ---------------------------------------------------------------- what an audit run left

/** An audit run must really have been audited, with or without the filter as asked. */
function checkAudited(result, retraceHome, variant) {
  const sessions = safeReaddir(join(retraceHome, 'sessions'));
  const fail = why => Object.assign(result, { ok: false, why });
  if (sessions.length !== 1) return fail(`expected one audit session, found ${sessions.length}`);
  const meta = JSON.parse(readFileSync(join(retraceHome, 'sessions', sessions[0], 'session.json'), 'utf8'));
  if (!meta.audited) return fail(`the kernel ran un-audited: ${meta.notAuditedReason}`);
  const filtered = meta.argv.includes('--seccomp-bpf');
  if (variant.seccomp && !filtered && meta.strace?.seccompBpf) return fail('strace ran without --seccomp-bpf');
  if (!variant.seccomp && filtered) return fail('strace ran with --seccomp-bpf despite RETRACE_SECCOMP_BPF=0');
  result.seccompUsed = filtered;
}

/**
 * A repeat run must really have run in its container, and its cells should have the
 * audit's lineage: counted, not required (the bench measures; retrace repeat judges).
 */
function checkRepeated(result, retraceHome, audited) {
  const sessions = safeReaddir(join(retraceHome, 'sessions'));
  if (sessions.length !== 1) return Object.assign(result, { ok: false, why: `expected one repeat session, found ${sessions.length}` });
  const dir = join(retraceHome, 'sessions', sessions[0]);
  const meta = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8'));
  if (!meta.audited || !meta.container) return Object.assign(result, { ok: false, why: `the repeat sandbox did not start: ${meta.notAuditedReason}` });
  // nbconvert does not send cell ids: the n-th execution is the n-th code cell.
  const auditLineage = JSON.parse(readFileSync(audited, 'utf8'))
    .cells.filter(c => c.cell_type === 'code')
    .map(c => c.metadata?.retrace?.lineage);
  const records = safeReaddir(join(dir, 'cells'))
    .map(f => JSON.parse(readFileSync(join(dir, 'cells', f), 'utf8')))
    .sort((a, b) => a.seq - b.seq);
  result.reproduced = `${records.filter((r, i) => auditLineage[i] === r.lineage).length}/${auditLineage.length}`;
}

/** Audit and package each notebook once, in a folder of its own: the containers every repeat run uses. */
async function prepareContainers(notebooks, opts) {
  const root = mkdtempSync(join(tmpdir(), 'retrace-bench-containers-'));
  containerCache = join(root, 'cache');
  for (const notebook of notebooks) {
    const work = join(root, basename(notebook, '.ipynb'));
    cpSync(EXAMPLES, work, { recursive: true, filter: src => !/\/(data|\.ipynb_checkpoints)$/.test(src) });
    const env = { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: join(work, '.retrace-home') };
    for (const step of [
      ['audit', notebook],
      ['package', notebook]
    ]) {
      const r = await timedRun([join(VENV_BIN, 'retrace'), ...step], { cwd: work, env: { ...env, TMPDIR: tmpdir() }, timeoutMs: opts.timeout * 1000 });
      if (!r.ok) die(`retrace ${step.join(' ')} failed while preparing the containers: ${r.why}\n${r.tail}`);
    }
    const archive = join(work, `${basename(notebook, '.ipynb')}.retrace.tar.gz`);
    CONTAINERS.set(notebook, { archive, audited: join(work, notebook), bytes: statSync(archive).size });
    process.stderr.write(`  container   ${pad(notebook, 26)} ${mb(statSync(archive).size)}\n`);
  }
  return root;
}

async function sessionDetails(retraceHome, notebookFile) {
  const [id] = safeReaddir(join(retraceHome, 'sessions'));
  const dir = join(retraceHome, 'sessions', id);
  const cells = safeReaddir(join(dir, 'cells')).filter(f => /^\d+\.json$/.test(f)).length;
  const codeCells = JSON.parse(readFileSync(notebookFile, 'utf8')).cells.filter(c => c.cell_type === 'code').length;
  return { trace: await countLines(join(dir, 'trace.log')), cells, codeCells };
}

/** Lines, bytes, traced processes, system calls and the most frequent ones in an strace log. */
async function countLines(file) {
  if (!existsSync(file)) return { lines: 0, bytes: 0, pids: 0, calls: 0, top: [] };
  const calls = new Map();
  const pids = new Set();
  let lines = 0;
  let rest = '';
  const count = line => {
    lines++;
    // "PID TIME name(" or "PID TIME <... name resumed>"; "+++ exited" and signals are not calls.
    const m = /^(\d+)\s+\S+\s+(?:<\.\.\. )?([a-z_0-9]+)[( ]/.exec(line);
    if (!m) return;
    pids.add(m[1]);
    if (!line.includes('resumed>')) calls.set(m[2], (calls.get(m[2]) ?? 0) + 1);
  };
  for await (const chunk of createReadStream(file, { encoding: 'latin1' })) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    parts.forEach(count);
  }
  if (rest) count(rest);
  const top = [...calls].sort((a, b) => b[1] - a[1]).slice(0, 4);
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  return { lines, bytes: statSync(file).size, pids: pids.size, calls: total, top };
}

// ---------------------------------------------------------------- report

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = x => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = x => (Number.isFinite(x) ? x.toFixed(2) : '-');
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const mb = bytes => `${(bytes / 1e6).toFixed(1)} MB`;
const thousands = n => n.toLocaleString('en-US');

/** Ratios are paired: each round's variant run over that round's base run (plain), then the median. */
function pairedRatio(runs, variant, key = 'seconds', base = 'plain') {
  const ratios = [];
  for (const round of new Set(runs.map(r => r.round))) {
    const plain = runs.find(r => r.round === round && r.variant === base && r.ok);
    const other = runs.find(r => r.round === round && r.variant === variant && r.ok);
    if (plain && other) ratios.push(other[key] / plain[key]);
  }
  return median(ratios);
}

function printNotebook(notebook, runs, variants) {
  const mine = runs.filter(r => r.notebook === notebook);
  const rounds = new Set(mine.map(r => r.round)).size;
  console.log(`\n${notebook}  (${rounds} round${rounds === 1 ? '' : 's'}; wall seconds of the whole nbconvert run)`);
  console.log(`  ${pad('variant', 17)}${lpad('median s', 9)}${lpad('x plain', 9)}${lpad('CPU s', 8)}${lpad('x plain', 9)}   runs: wall s (CPU s)`);
  for (const v of variants) {
    const rs = mine.filter(r => r.variant === v);
    const good = rs.filter(r => r.ok);
    const raw = rs.map(r => (r.ok ? `${f1(r.seconds)} (${f1(r.cpu)})` : `FAILED`)).join('  ');
    const ratio = v === 'plain' ? 1 : pairedRatio(mine, v);
    const cpuRatio = v === 'plain' ? 1 : pairedRatio(mine, v, 'cpu');
    console.log(
      `  ${pad(v, 17)}${lpad(f2(median(good.map(r => r.seconds))), 9)}${lpad(f2(ratio), 9)}` +
        `${lpad(f1(median(good.map(r => r.cpu))), 8)}${lpad(f2(cpuRatio), 9)}   ${raw}`
    );
  }
  const audit = mine.find(r => r.variant === 'audit' && r.ok && r.details) ?? mine.find(r => r.details && r.ok);
  if (audit) {
    const { trace, cells, codeCells } = audit.details;
    const top = trace.top.map(([name, n]) => `${name} ${Math.round((100 * n) / trace.calls)}%`).join(', ');
    console.log(`  where the time goes (${audit.variant}, round ${audit.round}):`);
    console.log(`    trace.log ${thousands(trace.lines)} lines, ${mb(trace.bytes)}: ${thousands(trace.calls)} calls by ${trace.pids} processes (${top})`);
    console.log(`    ${cells} cell records for ${codeCells} code cells`);
    console.log(
      `    CPU: whole run ${f1(audit.cpu)} s, of which retrace launcher (node) ${f1(audit.launcherCpu)} s, strace ${f1(audit.straceCpu)} s (sampled every 0.25 s)`
    );
  }
  const reps = mine.filter(r => r.variant === 'repeat' && r.ok);
  if (reps.length && variants.includes('audit')) {
    console.log(
      `    repeat/audit wall x${f2(pairedRatio(mine, 'repeat', 'seconds', 'audit'))}; cells with the audit's lineage: ${reps.map(r => r.reproduced).join(', ')}`
    );
  }
  const sk = mine.find(r => r.variant === 'strace-kernel' && r.ok && r.details);
  if (sk)
    console.log(
      `    strace-kernel (round ${sk.round}): trace ${thousands(sk.details.trace.lines)} lines, ${mb(sk.details.trace.bytes)}, strace CPU ${f1(sk.straceCpu)} s`
    );
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const tool of ['jupyter', 'python']) {
    if (!existsSync(join(VENV_BIN, tool))) die(`${join(VENV_BIN, tool)} is missing: run make setup`);
  }
  const variants = opts.variants;
  const runs = [];
  const failures = [];
  const report = r => {
    const extra = (r.ok ? `${f1(r.seconds)} s (CPU ${f1(r.cpu)} s)` : `FAILED: ${r.why}`) + (opts.keep ? `  ${r.root}` : '');
    process.stderr.write(`  ${pad(r.label, 12)} ${pad(r.notebook, 26)} ${pad(r.variant, 16)} ${extra}\n`);
    if (!r.ok) {
      failures.push(r);
      if (r.tail) process.stderr.write(r.tail.replace(/^/gm, '      | ') + '\n');
    }
  };
  process.stderr.write(
    `audit-overhead: ${opts.notebooks.length} notebooks x ${variants.length} variants x ${opts.rounds} rounds, ` + `each run bounded by ${opts.timeout} s\n`
  );
  const prepared = variants.includes('repeat') ? await prepareContainers(opts.notebooks, opts) : undefined;
  if (opts.warmup) {
    // One untimed run per notebook, so no variant pays for a cold page cache or
    // matplotlib's first-run font cache; a repeat's first run unpacks its container
    // into the cache once, as a user's first repeat does.
    for (const nb of opts.notebooks) report({ ...(await runOnce(nb, 'plain', opts)), label: 'warm-up' });
    if (prepared) for (const nb of opts.notebooks) report({ ...(await runOnce(nb, 'repeat', opts)), label: 'warm-up' });
  }
  for (let round = 1; round <= opts.rounds; round++) {
    for (const nb of opts.notebooks) {
      for (const v of variants) {
        const r = { ...(await runOnce(nb, v, opts)), round, label: `round ${round}/${opts.rounds}` };
        runs.push(r);
        report(r);
      }
    }
  }

  for (const nb of opts.notebooks) printNotebook(nb, runs, variants);

  const overall = (v, key) => {
    const per = opts.notebooks.map(nb =>
      pairedRatio(
        runs.filter(r => r.notebook === nb),
        v,
        key
      )
    );
    return { all: median(per.filter(Number.isFinite)), per };
  };
  const parts = variants
    .filter(v => v !== 'plain')
    .map(v => {
      const wall = overall(v, 'seconds');
      const cpu = overall(v, 'cpu');
      const per = opts.notebooks.map((nb, i) => `${basename(nb, '.ipynb')} ${f2(wall.per[i])}`).join(', ');
      return `${v}/plain wall x${f2(wall.all)} (${per}), CPU x${f2(cpu.all)}`;
    });
  if (variants.includes('repeat') && variants.includes('audit')) {
    const per = opts.notebooks.map(nb =>
      pairedRatio(
        runs.filter(r => r.notebook === nb),
        'repeat',
        'seconds',
        'audit'
      )
    );
    parts.push(
      `repeat/audit wall x${f2(median(per.filter(Number.isFinite)))} (${opts.notebooks.map((nb, i) => `${basename(nb, '.ipynb')} ${f2(per[i])}`).join(', ')})`
    );
  }
  if (prepared && !opts.keep) rmSync(prepared, { recursive: true, force: true });
  console.log(
    `\nsummary: ${parts.join('; ')}; medians over notebooks of paired ratios, ${opts.rounds} rounds, ` + `${runs.length} timed runs, ${failures.length} failed`
  );
  if (failures.length) {
    console.log(`FAILED runs: ${failures.map(r => `${r.notebook} ${r.variant} ${r.label} (${r.why})`).join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch(e => {
  process.stderr.write(`audit-overhead: ${e.stack ?? e}\n`);
  process.exit(1);
});
