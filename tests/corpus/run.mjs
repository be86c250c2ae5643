// tests/corpus/run: audit, package and repeat every corpus notebook as a user on another
// machine would meet it, and say cell by cell whether each verdict is the expected one.
// Not a timed test: a harness that prints a table and exits 1 when any verdict (or the
// exit code of `retrace repeat`) is not what tests/corpus/corpus.json expects. See README.md.
//
//   tests/corpus/run [--notebooks a,b] [--modes layered,strict] [--twice] [--work DIR]
//                    [--fresh-venvs] [--timeout S] [--keep]
//
//   --notebooks a,b   corpus folders (default: every notebook in corpus.json)
//   --modes m1,m2     repeat modes, layered and/or strict (default: both)
//   --twice           audit each notebook a second time in a fresh copy and compare lineages
//   --work DIR        where venvs, wheels and runs go (default /var/tmp/retrace-corpus)
//   --fresh-venvs     rebuild the user venvs even when they exist
//   --timeout S       bound on each audit, package and repeat, in seconds (default 600)
//   --keep            keep each notebook's run folder (it is removed when every verdict was expected)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printHeaderHelp } from '../../scripts/header-help.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const RETRACE = join(REPO, '.venv', 'bin', 'retrace');
const REPO_PIP = join(REPO, '.venv', 'bin', 'pip');
/** What a user who runs `pip install jupyterlab-retrace` has beside the notebook's own packages. */
const RETRACE_DEPS = ['ipykernel', 'jupyter_server', 'jupyter_client', 'jupyter-server-proxy'];
const HIDDEN = '.hidden-by-corpus';

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = {
    notebooks: undefined,
    modes: ['layered', 'strict'],
    twice: false,
    work: '/var/tmp/retrace-corpus',
    freshVenvs: false,
    timeout: 600,
    keep: false
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : die(`${a} needs a value`));
    if (a === '--notebooks') opts.notebooks = value().split(',').filter(Boolean);
    else if (a === '--modes') opts.modes = value().split(',').filter(Boolean);
    else if (a === '--twice') opts.twice = true;
    else if (a === '--work') opts.work = resolve(value());
    else if (a === '--fresh-venvs') opts.freshVenvs = true;
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '--keep') opts.keep = true;
    else if (a === '-h' || a === '--help') printHeaderHelp(import.meta.url);
    else die(`unknown argument ${a} (see --help)`);
  }
  if (!(opts.timeout > 0)) die('--timeout wants a positive number of seconds');
  for (const m of opts.modes) if (m !== 'layered' && m !== 'strict') die(`unknown mode ${m}: layered or strict`);
  const corpus = JSON.parse(readFileSync(join(HERE, 'corpus.json'), 'utf8')).notebooks;
  if (opts.notebooks) {
    for (const n of opts.notebooks)
      if (!corpus.some(c => c.folder === n)) die(`no notebook ${n} in corpus.json; there are: ${corpus.map(c => c.folder).join(', ')}`);
    opts.entries = corpus.filter(c => opts.notebooks.includes(c.folder));
  } else opts.entries = corpus;
  return opts;
}

function die(message) {
  process.stderr.write(`corpus: ${message}\n`);
  process.exit(2);
}

const say = line => process.stderr.write(line + '\n');

// ---------------------------------------------------------------- running commands, bounded

/** Every pid below `root`, from /proc (Jupyter starts kernels in sessions of their own, so a group kill misses them). */
function descendants(root) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = pid => (children.get(pid) ?? []).forEach(c => (out.push(c), walk(c)));
  walk(root);
  return out;
}

const alive = pid => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Run a command with a bound. On timeout, SIGTERM first (retrace stops its Jupyter server
 * and kernel on it), then SIGKILL whatever of the tree is left 20 s later.
 */
function run(cmd, args, { cwd, env, timeoutMs, logFile }) {
  return new Promise(done => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    let timedOut = false;
    let tree = [];
    const sampler = setInterval(() => (tree = [...new Set([...tree, ...descendants(child.pid)])]), 2000);
    const killer = setTimeout(() => {
      timedOut = true;
      tree = [...new Set([...tree, ...descendants(child.pid)])];
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      setTimeout(() => {
        for (const pid of [child.pid, ...tree])
          if (alive(pid))
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* gone */
            }
      }, 20_000).unref();
    }, timeoutMs);
    child.on('error', e => (stderr += String(e)));
    child.on('close', code => {
      clearTimeout(killer);
      clearInterval(sampler);
      const seconds = (Date.now() - started) / 1000;
      if (logFile)
        writeFileSync(
          logFile,
          `$ ${cmd} ${args.join(' ')}\n# exit ${code}${timedOut ? ' (timed out)' : ''} after ${seconds.toFixed(1)} s\n--- stdout\n${stdout}\n--- stderr\n${stderr}`
        );
      done({ code, stdout, stderr, seconds, timedOut });
    });
  });
}

async function must(what, cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0)
    throw new Error(`${what} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${(r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n')}`);
  return r;
}

// ---------------------------------------------------------------- the user's venvs

/** Pins by distribution name: requirements-dev.txt first, tests/corpus/requirements.txt for the rest. */
function readPins() {
  const pins = new Map();
  for (const file of [join(HERE, 'requirements.txt'), join(REPO, 'requirements-dev.txt')]) {
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const m = /^([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*==/.exec(line);
      if (m) pins.set(m[1].toLowerCase().replace(/_/g, '-'), line);
    }
  }
  return pins;
}

function requirementsOf(entry, pins) {
  return [...RETRACE_DEPS, ...entry.packages].map(name => {
    const pin = pins.get(name.toLowerCase().replace(/_/g, '-'));
    if (!pin) die(`${entry.folder} needs ${name}, which neither requirements-dev.txt nor tests/corpus/requirements.txt pins`);
    return pin;
  });
}

/** The interpreter .venv was made from: the user venvs are made from it too. */
function baseInterpreter() {
  const cfg = readFileSync(join(REPO, '.venv', 'pyvenv.cfg'), 'utf8');
  const exe = /^executable\s*=\s*(.+)$/m.exec(cfg)?.[1]?.trim();
  return exe && existsSync(exe) ? exe : 'python3';
}

/** retrace itself, as a wheel built from this tree, so each user venv has the code under test. */
async function buildWheel(work) {
  const dir = join(work, 'wheels', String(Date.now()));
  mkdirSync(dir, { recursive: true });
  await must('building the retrace wheel', REPO_PIP, ['wheel', '--quiet', '--no-deps', '--no-build-isolation', '-w', dir, REPO], {
    cwd: REPO,
    env: process.env,
    timeoutMs: 300_000,
    logFile: join(dir, 'build.log')
  });
  const wheel = readdirSync(dir).find(f => f.endsWith('.whl'));
  if (!wheel) throw new Error(`no wheel in ${dir}`);
  return join(dir, wheel);
}

/** A venv per set of requirements, kept between runs; installed from a local wheelhouse filled from PyPI once. */
async function ensureVenv(requirements, { work, fresh, wheel }) {
  const key = createHash('sha256').update(requirements.slice().sort().join('\n')).digest('hex').slice(0, 10);
  const dir = join(work, 'venvs', `venv-${key}`);
  if (existsSync(dir + HIDDEN) && !existsSync(dir)) renameSync(dir + HIDDEN, dir); // left hidden by an interrupted run
  const stamp = join(dir, 'corpus-requirements.txt');
  const wheelhouse = join(work, 'wheelhouse');
  mkdirSync(wheelhouse, { recursive: true });
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const pip = join(dir, 'bin', 'pip');
  if (fresh || !existsSync(stamp)) {
    rmSync(dir, { recursive: true, force: true });
    say(`  venv ${dir}: ${requirements.join(' ')}`);
    await must('creating a venv', baseInterpreter(), ['-m', 'venv', dir], { cwd: work, env, timeoutMs: 120_000 });
    const install = ['install', '--quiet', '--no-index', '--find-links', wheelhouse, ...requirements];
    const first = await run(pip, install, { cwd: work, env, timeoutMs: 900_000 });
    if (first.code !== 0) {
      await must('downloading wheels', pip, ['download', '--quiet', '-d', wheelhouse, ...requirements], { cwd: work, env, timeoutMs: 900_000 });
      await must('installing the venv', pip, install, { cwd: work, env, timeoutMs: 900_000 });
    }
    writeFileSync(stamp, requirements.join('\n') + '\n');
  }
  await must('installing retrace into the venv', pip, ['install', '--quiet', '--no-index', '--no-deps', '--force-reinstall', wheel], {
    cwd: work,
    env,
    timeoutMs: 300_000
  });
  return dir;
}

// ---------------------------------------------------------------- one notebook

const cleanPath = extra => [...extra, dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');

/** A small, explicit environment: nothing of the caller's RETRACE_* or virtualenv leaks in. */
function userEnv({ home, retraceHome, venv }) {
  const env = { HOME: home, RETRACE_HOME: retraceHome, LANG: 'C.UTF-8', TERM: 'dumb', USER: process.env.USER ?? 'root' };
  if (venv) Object.assign(env, { PATH: cleanPath([join(venv, 'bin')]), VIRTUAL_ENV: venv, RETRACE_PYTHON: join(venv, 'bin', 'python') });
  else env.PATH = cleanPath([join(REPO, '.venv', 'bin')]);
  return env;
}

function codeCells(file) {
  return JSON.parse(readFileSync(file, 'utf8')).cells.filter(c => c.cell_type === 'code');
}

/** Verdicts from the repeated notebook's metadata; the printed table for cells that got none. */
function verdictsOf(file, stdout, count) {
  const cells = existsSync(file) ? codeCells(file) : [];
  const printed = new Map();
  for (const line of stdout.split('\n')) {
    const m = /^ {2}(\d+)\s+\S+\s+(reproduced|changed|diverged|failed)\s+(.*)$/.exec(line);
    if (m) printed.set(Number(m[1]), { status: m[2], reason: m[3].trim(), outputs: undefined });
  }
  return Array.from({ length: count }, (_, i) => {
    const v = cells[i]?.metadata?.retrace?.verdict;
    if (v) return { status: v.status, reason: v.reason, outputs: v.outputs };
    return printed.get(i + 1) ?? { status: 'not run', reason: 'no verdict (the run stopped before this cell)' };
  });
}

async function runNotebook(entry, opts, venv) {
  const root = join(opts.work, 'runs', entry.folder);
  rmSync(root, { recursive: true, force: true });
  const home = join(root, 'home');
  const retraceHome = join(root, 'retrace-home');
  const auditDir = join(root, 'audit');
  mkdirSync(home, { recursive: true });
  const copy = to => cpSync(join(HERE, entry.folder), to, { recursive: true, filter: s => !/\/(out|docs|logs|\.ipynb_checkpoints|__pycache__)$/.test(s) });
  copy(auditDir);
  const timeoutMs = opts.timeout * 1000;
  const result = { entry, root, problems: [], modes: {} };

  const audit = await run(RETRACE, ['audit', entry.notebook], {
    cwd: auditDir,
    env: userEnv({ home, retraceHome, venv }),
    timeoutMs,
    logFile: join(root, 'audit.log')
  });
  result.auditSeconds = audit.seconds;
  const audited = join(auditDir, entry.notebook);
  const cells = codeCells(audited);
  result.cells = cells.length;
  if (cells.length !== entry.cells) result.problems.push(`has ${cells.length} code cells, corpus.json says ${entry.cells}`);
  if (audit.code !== 0) {
    result.problems.push(`retrace audit exited ${audit.code}${audit.timedOut ? ' (timed out)' : ''}: ${lastLines(audit.stderr || audit.stdout, 4)}`);
    return result;
  }
  const unaudited = cells.map((c, i) => (c.metadata?.retrace?.lineage ? undefined : i + 1)).filter(Boolean);
  if (unaudited.length) result.problems.push(`audit left cells ${unaudited.join(', ')} without a lineage`);

  if (opts.twice) {
    const again = join(root, 'audit-2');
    copy(again);
    const second = await run(RETRACE, ['audit', entry.notebook], {
      cwd: again,
      env: userEnv({ home, retraceHome, venv }),
      timeoutMs,
      logFile: join(root, 'audit-2.log')
    });
    const other = second.code === 0 ? codeCells(join(again, entry.notebook)) : [];
    const differing = cells.map((c, i) => (other[i]?.metadata?.retrace?.lineage === c.metadata?.retrace?.lineage ? undefined : i + 1)).filter(Boolean);
    result.twice = { equal: cells.length - differing.length, differing };
    if (second.code !== 0) result.problems.push(`the second audit exited ${second.code}`);
    else {
      // Cells expected to diverge (unseeded randomness) differ between two audits too.
      const unexpected = differing.filter(n => entry.expect?.[String(n)]?.verdict !== 'diverged');
      if (unexpected.length) result.problems.push(`two audits differ in the lineage of cells ${unexpected.join(', ')}`);
    }
  }

  const archive = join(root, entry.notebook.replace(/\.ipynb$/, '.retrace.tar.gz'));
  const pack = await run(RETRACE, ['package', entry.notebook, '-o', archive], {
    cwd: auditDir,
    env: userEnv({ home, retraceHome, venv }),
    timeoutMs,
    logFile: join(root, 'package.log')
  });
  result.packageSeconds = pack.seconds;
  if (pack.code !== 0) {
    result.problems.push(`retrace package exited ${pack.code}: ${lastLines(pack.stderr || pack.stdout, 4)}`);
    return result;
  }
  result.archiveBytes = statSync(archive).size;

  // The machine that repeats lacks the user's packages: their venv is moved away meanwhile.
  renameSync(venv, venv + HIDDEN);
  hidden.add(venv);
  try {
    for (const mode of opts.modes) result.modes[mode] = await repeatIn(mode, { entry, root, home, retraceHome, audited, archive, timeoutMs });
  } finally {
    renameSync(venv + HIDDEN, venv);
    hidden.delete(venv);
  }
  return result;
}

/** A repeat as a collaborator makes it: a folder holding only the audited notebook, the container beside it. */
async function repeatIn(mode, { entry, root, home, retraceHome, audited, archive, timeoutMs }) {
  const dir = join(root, `repeat-${mode}`);
  mkdirSync(dir, { recursive: true });
  cpSync(audited, join(dir, entry.notebook));
  const args = ['repeat', entry.notebook, '--container', archive, ...(mode === 'strict' ? ['--strict'] : [])];
  const r = await run(RETRACE, args, { cwd: dir, env: userEnv({ home, retraceHome }), timeoutMs, logFile: join(root, `repeat-${mode}.log`) });
  const verdicts = verdictsOf(join(dir, entry.notebook), r.stdout, entry.cells);
  const out = { seconds: r.seconds, exit: r.code, timedOut: r.timedOut, verdicts, unexpected: [], outputsUnexpected: [], problems: [] };
  verdicts.forEach((v, i) => {
    const n = String(i + 1);
    const want = entry.expect?.[n]?.verdict ?? 'reproduced';
    if (v.status !== want) out.unexpected.push({ cell: i + 1, want, got: v.status, reason: v.reason });
    const differ = v.outputs ? !v.outputs.same : false;
    if (differ && !entry.outputsDiffer?.[n]) out.outputsUnexpected.push({ cell: i + 1, differences: v.outputs.differences });
  });
  const bad = verdicts.filter(v => v.status !== 'reproduced' && v.status !== 'changed').length;
  const wantExit = bad ? 1 : 0;
  if (r.timedOut) out.problems.push(`timed out after ${timeoutMs / 1000} s`);
  else if (r.code === 2 || (r.code !== 0 && r.code !== 1)) out.problems.push(`retrace repeat exited ${r.code}: ${lastLines(r.stderr || r.stdout, 4)}`);
  else if (r.code !== wantExit)
    out.problems.push(
      `retrace repeat exited ${r.code} although ${bad} of ${verdicts.length} cells ${bad ? 'did not reproduce' : 'failed or diverged'} (it should exit ${wantExit})`
    );
  return out;
}

const lastLines = (s, n) => s.trim().split('\n').slice(-n).join(' | ');

// ---------------------------------------------------------------- the report

function count(verdicts, status) {
  return verdicts.filter(v => v.status === status).length;
}

function tableRows(results, modes) {
  const rows = [
    [
      'notebook',
      'mode',
      'cells',
      'reproduced',
      'diverged exp/unexp',
      'failed',
      'changed',
      'other',
      'outputs differ exp/unexp',
      'archive',
      'audit s',
      'package s',
      'repeat s',
      'as expected'
    ]
  ];
  for (const r of results) {
    if (!Object.keys(r.modes).length) {
      rows.push([
        r.entry.folder,
        '-',
        String(r.cells ?? '?'),
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        r.archiveBytes ? mb(r.archiveBytes) : '-',
        secs(r.auditSeconds),
        secs(r.packageSeconds),
        '-',
        'NO'
      ]);
      continue;
    }
    for (const mode of modes) {
      const m = r.modes[mode];
      const v = m.verdicts;
      const divergedExpected = v.filter((x, i) => x.status === 'diverged' && r.entry.expect?.[String(i + 1)]?.verdict === 'diverged').length;
      const outputsDiffer = v.filter(x => x.outputs && !x.outputs.same).length;
      const other = v.filter(x => !['reproduced', 'diverged', 'failed', 'changed'].includes(x.status)).length;
      const ok = !m.unexpected.length && !m.problems.length && !r.problems.length;
      rows.push([
        r.entry.folder,
        mode,
        String(r.cells),
        String(count(v, 'reproduced')),
        `${divergedExpected}/${count(v, 'diverged') - divergedExpected}`,
        String(count(v, 'failed')),
        String(count(v, 'changed')),
        String(other),
        `${outputsDiffer - m.outputsUnexpected.length}/${m.outputsUnexpected.length}`,
        mb(r.archiveBytes),
        secs(r.auditSeconds),
        secs(r.packageSeconds),
        secs(m.seconds),
        ok ? 'yes' : 'NO'
      ]);
    }
  }
  return rows;
}

const mb = b => (b === undefined ? '-' : `${(b / 1e6).toFixed(1)} MB`);
const secs = s => (s === undefined ? '-' : s.toFixed(0));

function formatTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => r[c].length)));
  return rows
    .map(r =>
      r
        .map((v, c) => v.padEnd(widths[c]))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
}

function formatMarkdown(rows) {
  return [rows[0], rows[0].map(() => '---'), ...rows.slice(1)].map(r => `| ${r.join(' | ')} |`).join('\n');
}

function formatFindings(results, modes) {
  const lines = [];
  for (const r of results) {
    const own = [...r.problems.map(p => `  ${p}`)];
    for (const mode of modes) {
      const m = r.modes[mode];
      if (!m) continue;
      for (const p of m.problems) own.push(`  ${mode}: ${p}`);
      for (const u of m.unexpected) own.push(`  ${mode}: cell ${u.cell}: expected ${u.want}, got ${u.got}: ${u.reason}`);
      for (const o of m.outputsUnexpected) own.push(`  ${mode}: cell ${o.cell}: outputs differ: ${o.differences.join('; ')}`);
    }
    if (r.twice) own.push(`  audited twice: ${r.twice.equal}/${r.cells} cells with equal lineage`);
    if (own.length) lines.push(`${r.entry.folder} (${r.root}):`, ...own);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

/** Venvs hidden right now, put back if the run is interrupted. */
const hidden = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const v of hidden) if (existsSync(v + HIDDEN)) renameSync(v + HIDDEN, v);
    process.exit(130);
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(RETRACE)) die(`${RETRACE} is missing: run make setup first`);
  for (const e of opts.entries)
    for (const p of e.programs ?? []) {
      if (
        !cleanPath([])
          .split(':')
          .some(d => existsSync(join(d, p)))
      )
        die(`${e.folder} runs ${p}, which is not installed (make setup installs the test packages)`);
    }
  mkdirSync(opts.work, { recursive: true });
  say(`corpus: building the retrace wheel`);
  const wheel = await buildWheel(opts.work);
  const pins = readPins();
  const results = [];
  for (const entry of opts.entries) {
    say(`corpus: ${entry.folder}`);
    const started = Date.now();
    let result;
    try {
      const venv = await ensureVenv(requirementsOf(entry, pins), { work: opts.work, fresh: opts.freshVenvs, wheel });
      result = await runNotebook(entry, opts, venv);
    } catch (e) {
      result = { entry, root: join(opts.work, 'runs', entry.folder), problems: [String(e.message ?? e)], modes: {} };
    }
    const modes = Object.entries(result.modes).map(
      ([m, r]) =>
        `${m} ${r.verdicts.filter(v => v.status === 'reproduced').length}/${r.verdicts.length} reproduced${r.unexpected.length ? `, ${r.unexpected.length} unexpected` : ''}`
    );
    say(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${[...result.problems, ...modes].join('; ') || 'done'}`);
    results.push(result);
    const clean = !result.problems.length && Object.values(result.modes).every(m => !m.unexpected.length && !m.problems.length);
    if (clean && !opts.keep) rmSync(result.root, { recursive: true, force: true });
  }
  const rows = tableRows(results, opts.modes);
  const findings = formatFindings(results, opts.modes);
  process.stdout.write(`${formatTable(rows)}\n\n${findings || 'Every verdict as expected.'}\n`);
  writeFileSync(join(opts.work, 'report.md'), `${formatMarkdown(rows)}\n\n\`\`\`\n${findings}\n\`\`\`\n`);
  writeFileSync(
    join(opts.work, 'report.json'),
    JSON.stringify(
      results.map(r => ({ ...r, entry: r.entry.folder })),
      null,
      1
    )
  );
  say(`corpus: wrote ${join(opts.work, 'report.md')} and report.json`);
  const allOk = results.every(
    r =>
      !r.problems.length && Object.keys(r.modes).length === opts.modes.length && Object.values(r.modes).every(m => !m.unexpected.length && !m.problems.length)
  );
  process.exit(allOk ? 0 : 1);
}

main().catch(e => {
  for (const v of hidden) if (existsSync(v + HIDDEN)) renameSync(v + HIDDEN, v);
  process.stderr.write(`corpus: ${e.stack ?? e}\n`);
  process.exit(2);
});
