/**
 * Debian packages owning files, and their versions, from dpkg's database through
 * `dpkg-query`. Many files at once: a session uses thousands, and every
 * `dpkg-query --search` reads every package's file list, so paths go in batches.
 *
 * Merged /usr: the database lists a file under the path its package shipped it at
 * (`/lib/x86_64-linux-gnu/libc.so.6`, `/bin/gzip` or `/usr/bin/gzip`) while the run
 * may name it by the other one, or through a symbolic link (a venv's `bin/python`).
 * A file not found as named is looked up again by its real path and by the /usr-swapped
 * forms of both.
 */
import { promises as fs } from 'node:fs';
import { run, which } from '../system/exec';

export interface DpkgOptions {
  /** The dpkg-query to run; found on PATH by default. */
  dpkgQuery?: string;
  /** Paths (or packages) per call. */
  batchSize?: number;
  /** Bound on each call. */
  timeoutMs?: number;
}

export interface DpkgOwners {
  /** False when this machine has no dpkg database to ask. */
  available: boolean;
  /** Path (as asked) → package name, without `:arch`. */
  owners: Map<string, string>;
}

const DEFAULTS = { batchSize: 500, timeoutMs: 30_000 };
/** dpkg-query --search takes patterns: such paths would match other files. */
const GLOB = /[*?[\]\\]/;
const MERGED_USR = /^\/(bin|sbin|lib|lib32|lib64|libx32)\//;

/** `/bin/x` ↔ `/usr/bin/x` (and lib, sbin, ...); undefined for other paths. */
export function usrSwapped(path: string): string | undefined {
  if (MERGED_USR.test(path)) return '/usr' + path;
  if (path.startsWith('/usr/') && MERGED_USR.test(path.slice(4))) return path.slice(4);
  return undefined;
}

const withoutArch = (pkg: string) => pkg.replace(/:[A-Za-z0-9_-]+$/, '');

/**
 * `dpkg-query --search` output: `pkg[, pkg...]: /path` per file; diversion lines
 * (`diversion by dash from: /bin/sh`) say nothing about ownership and are skipped.
 * Returns path → owners (arch qualifiers dropped, duplicates merged).
 */
export function parseDpkgSearch(stdout: string): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    if (!line || line.startsWith('diversion by ') || line.startsWith('local diversion ')) continue;
    const sep = line.indexOf(': ');
    if (sep < 0) continue;
    const path = line.slice(sep + 2);
    const pkgs = [...new Set(line.slice(0, sep).split(', ').map(withoutArch))];
    owners.set(path, [...new Set([...(owners.get(path) ?? []), ...pkgs])]);
  }
  return owners;
}

/** `${Package}\t${Version}` lines → package → version (first one wins, empty versions skipped). */
export function parseDpkgVersions(stdout: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [pkg, version] = line.split('\t');
    if (pkg && version && !versions.has(withoutArch(pkg))) versions.set(withoutArch(pkg), version.trim());
  }
  return versions;
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs dpkg-query over items in batches; exit 1 only means some were not found. Undefined when dpkg cannot answer at all. */
async function queryInBatches(args: string[], items: string[], opts: Required<DpkgOptions>): Promise<string | undefined> {
  let stdout = '';
  let answered = items.length === 0;
  for (const batch of batches(items, opts.batchSize)) {
    const result = await run(opts.dpkgQuery, [...args, '--', ...batch], opts.timeoutMs);
    if (result.code === 0 || result.code === 1) {
      answered = true;
      stdout += result.stdout.endsWith('\n') || !result.stdout ? result.stdout : result.stdout + '\n';
    }
  }
  return answered ? stdout : undefined;
}

function resolveOptions(options: DpkgOptions): Required<DpkgOptions> | undefined {
  const dpkgQuery = options.dpkgQuery ?? which('dpkg-query');
  if (!dpkgQuery) return undefined;
  return { dpkgQuery, batchSize: options.batchSize ?? DEFAULTS.batchSize, timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs };
}

/** Other names dpkg may know a file by: its real path and the /usr-swapped forms. */
async function alternativeNames(path: string): Promise<string[]> {
  const real = await fs.realpath(path).catch(() => undefined);
  const names = [real, usrSwapped(path), real && usrSwapped(real)];
  return [...new Set(names.filter((n): n is string => !!n && n !== path))];
}

/** The Debian package owning each path; paths no package owns are absent. */
export async function dpkgOwners(paths: readonly string[], options: DpkgOptions = {}): Promise<DpkgOwners> {
  const opts = resolveOptions(options);
  const owners = new Map<string, string>();
  if (!opts) return { available: false, owners };
  const asked = [...new Set(paths)].filter(p => p.startsWith('/') && !GLOB.test(p));
  const first = await queryInBatches(['--search'], asked, opts);
  if (first === undefined) return { available: false, owners };
  const found = parseDpkgSearch(first);
  const missing: string[] = [];
  for (const path of asked) {
    const pkgs = found.get(path);
    if (pkgs) owners.set(path, pkgs[0]);
    else missing.push(path);
  }

  // Second chance under the names the database may use instead.
  const byAlternative = new Map<string, string[]>();
  const alternatives = await Promise.all(missing.map(alternativeNames));
  for (const [i, path] of missing.entries()) {
    for (const alt of alternatives[i]) {
      if (GLOB.test(alt)) continue;
      byAlternative.set(alt, [...(byAlternative.get(alt) ?? []), path]);
    }
  }
  const second = parseDpkgSearch((await queryInBatches(['--search'], [...byAlternative.keys()], opts)) ?? '');
  for (const [alt, originals] of byAlternative) {
    const pkgs = second.get(alt);
    if (!pkgs) continue;
    for (const path of originals) if (!owners.has(path)) owners.set(path, pkgs[0]);
  }
  return { available: true, owners };
}

/** Installed versions of packages (names without `:arch`); packages not installed are absent. */
export async function dpkgVersions(packages: readonly string[], options: DpkgOptions = {}): Promise<Map<string, string>> {
  const opts = resolveOptions(options);
  if (!opts || !packages.length) return new Map();
  const stdout = await queryInBatches(['--show', '--showformat=${Package}\t${Version}\n'], [...new Set(packages)], opts);
  return parseDpkgVersions(stdout ?? '');
}
