// bench/container-size: how big a notebook container is next to what a user would
// otherwise ship. Audits and packages each example notebook in a fresh copy of
// examples/, then prints the archive's size next to the size of the whole .venv and
// of the Python distributions the notebook imports (their full installed size, from
// their RECORD files), as ratios. Sizes, not times: one run is enough.
//
//   bench/container-size [--notebooks a,b] [--keep]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printHeaderHelp } from '../scripts/header-help.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VENV = join(REPO, '.venv');
const EXAMPLES = join(REPO, 'examples');

function die(message) {
  process.stderr.write(`container-size: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    notebooks: readdirSync(EXAMPLES)
      .filter(f => f.endsWith('.ipynb'))
      .sort(),
    keep: false
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--notebooks')
      opts.notebooks = (argv[++i] ?? '')
        .split(',')
        .filter(Boolean)
        .map(n => (n.endsWith('.ipynb') ? n : `${n}.ipynb`));
    else if (argv[i] === '--keep') opts.keep = true;
    else if (argv[i] === '-h' || argv[i] === '--help') printHeaderHelp(import.meta.url);
    else die(`unknown argument ${argv[i]} (see --help)`);
  }
  return opts;
}

function run(argv, cwd, env) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 900_000 });
  if (r.status !== 0) die(`${argv.join(' ')} failed (${r.status ?? r.signal}):\n${(r.stdout ?? '') + (r.stderr ?? '')}`);
  return r.stdout;
}

/** Bytes under a folder, links not followed (what copying the folder would copy). */
function folderBytes(dir) {
  return Number(run(['du', '-sb', dir]).split('\t')[0]);
}

/** Full installed size of distributions, summed over the files their RECORD lists. */
function installedBytes(names) {
  const script = `
import importlib.metadata as md, json, os, sys
out = {}
for name in json.loads(sys.argv[1]):
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        out[name] = None
        continue
    total = 0
    for f in dist.files or []:
        p = f.locate()
        if os.path.isfile(p):
            total += os.path.getsize(p)
    out[name] = total
print(json.dumps(out))`;
  return JSON.parse(run([join(VENV, 'bin', 'python'), '-c', script, JSON.stringify(names)]));
}

const mib = b => (b / 2 ** 20).toFixed(1);
const ratio = (a, b) => (b ? (a / b).toFixed(2) : '-');

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = mkdtempSync(join(tmpdir(), 'retrace-bench-size-'));
  const venvBytes = folderBytes(VENV);
  const rows = [];
  try {
    for (const notebook of opts.notebooks) {
      const work = join(root, basename(notebook, '.ipynb'));
      cpSync(EXAMPLES, work, { recursive: true, filter: src => !/\/(data|\.ipynb_checkpoints)$/.test(src) });
      const env = { ...process.env, PATH: `${join(VENV, 'bin')}:${process.env.PATH}`, RETRACE_HOME: join(work, '.retrace-home') };
      process.stderr.write(`container-size: auditing and packaging ${notebook}\n`);
      run([join(VENV, 'bin', 'retrace'), 'audit', notebook], work, env);
      run([join(VENV, 'bin', 'retrace'), 'package', notebook], work, env);
      const archive = join(work, `${basename(notebook, '.ipynb')}.retrace.tar.gz`);
      const deps = JSON.parse(run([join(VENV, 'bin', 'retrace'), 'deps', archive, '--json'], work, env));
      const manifest = JSON.parse(run(['tar', '-xzOf', archive, 'manifest.json']));
      const blobs = new Map(manifest.entries.filter(e => e.kind === 'file').map(e => [e.hash, e.size]));
      const content = [...blobs.values()].reduce((a, b) => a + b, 0);
      const dists = deps.total.python.filter(p => !p.name.startsWith('python (')).map(p => p.name);
      const sizes = installedBytes(dists);
      const imported = Object.values(sizes).reduce((a, b) => a + (b ?? 0), 0);
      rows.push({ notebook, archive: statSync(archive).size, content, files: blobs.size, entries: manifest.entries.length, dists: dists.length, imported });
    }
  } finally {
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
  }
  console.log(`\n.venv: ${mib(venvBytes)} MiB (du -sb ${VENV}; the interpreter it links to is not counted)\n`);
  const head = ['notebook', 'archive MiB', 'content MiB', 'files', 'dists', 'imported MiB', 'archive/.venv', 'archive/imported', 'content/imported'];
  const table = [
    head,
    ...rows.map(r => [
      r.notebook,
      mib(r.archive),
      mib(r.content),
      String(r.files),
      String(r.dists),
      mib(r.imported),
      ratio(r.archive, venvBytes),
      ratio(r.archive, r.imported),
      ratio(r.content, r.imported)
    ])
  ];
  const widths = head.map((_, c) => Math.max(...table.map(row => row[c].length)));
  for (const row of table) console.log('  ' + row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  '));
  console.log(
    "\narchive: the gzip'd container; content: its distinct file contents before compression (interpreter, libraries, data);" +
      '\nimported: the full installed size of the Python distributions the run used (their RECORD files), without the interpreter.'
  );
}

main();
