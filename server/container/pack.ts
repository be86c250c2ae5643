/**
 * `retrace package`: build the notebook container from a notebook's last audit
 * (docs/container.md). Everything the audited run read or executed is copied,
 * streaming, into a private staging folder as content-addressed blobs, with a
 * `root/` tree of hard links and symbolic links at the original paths; secrets,
 * files over the size limit, and files gone or changed since the audit are left
 * out and named. The staging folder becomes a gzip'd tar written beside the
 * notebook under a temporary name and renamed into place when complete.
 */
import { lstatSync, promises as fs, readlinkSync, openSync, readSync, closeSync, type Stats } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ManifestBuilder, relativeInsideRoot } from '../../core/container/manifest';
import type { CellRef, LeftOut, Manifest, ManifestEntry } from '../../core/contract/manifest';
import { resolveChain, type FsLookup } from '../../core/container/path-chain';
import { programInterpreter } from '../../core/container/program-loader';
import { filterEnvironment, SecretRules, type SecretSettings } from '../../core/container/secrets';
import { listedFolders, PROBE_MAX_BYTES, wantedPaths, type WantedPath } from '../../core/container/wanted';
import type { SessionUsage } from '../../core/container/usage';
import type { PackageProgress, PackageSummary } from '../../core/contract/packaging';
import { containerFileName } from '../../core/contract/container-name';
import { formatBytes } from '../../core/format-bytes';
import { concurrencyLimit } from '../system/limit';
import { retraceHome, sessionsRoot } from '../store/paths';
import { readAuditedNotebook } from '../store/usage';
import { sessionPaths } from '../store/sessions';
import { BlobStore, hashOnly } from './blob-store';
import { distributionMetadataIn } from './listed-metadata';
import { writeArchive } from './archive-writer';

export interface PackOptions {
  notebook: string;
  /** Default: beside the notebook, `<stem>.retrace.tar.gz`. */
  output?: string;
  /** Data files larger than this are recorded by path and hash only. Default 1 GiB. */
  maxFileBytes?: number;
  secrets?: SecretSettings;
  sessionsRoot?: string;
  /** Builds deps.json; left out of the archive when absent. */
  dependencyReport?: (usage: SessionUsage) => Promise<unknown>;
  onProgress?: (progress: PackProgress) => void;
}

/** Progress and result as the companion's packaging API also shows them (core/contract/packaging.ts). */
export type PackProgress = PackageProgress;
export type PackResult = PackageSummary;

export const DEFAULT_MAX_FILE_BYTES = 1 << 30;
/** Files copied at once: enough to overlap I/O and hashing, few enough for 2 cores. */
const COPY_CONCURRENCY = 4;

export function defaultArchivePath(notebook: string): string {
  return join(dirname(resolve(notebook)), containerFileName(basename(notebook)));
}

/** The real file system as path-chain sees it, with each lstat made once (folders are shared by thousands of files). */
interface CachedFs extends FsLookup {
  /** The lstat of a path the lookup has seen exist. */
  lstat(path: string): Stats;
}

function cachedLookup(): CachedFs {
  const stats = new Map<string, Stats | undefined>();
  const lstat = (path: string) => {
    if (!stats.has(path)) {
      let st: Stats | undefined;
      try {
        st = lstatSync(path);
      } catch {
        st = undefined; // missing, or a file where a folder was expected
      }
      stats.set(path, st);
    }
    return stats.get(path);
  };
  return {
    kind(path) {
      const st = lstat(path);
      if (!st) return undefined;
      return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
    },
    readlink: path => readlinkSync(path),
    lstat(path) {
      const st = lstat(path);
      if (!st) throw new Error(`${path}: no such file`);
      return st;
    }
  };
}

function interpreterOf(program: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(program, 'r');
    const handle = fd;
    return programInterpreter((offset, length) => {
      const buffer = Buffer.alloc(length);
      const n = readSync(handle, buffer, 0, length, offset);
      return buffer.subarray(0, n);
    });
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function packNotebook(opts: PackOptions): Promise<PackResult> {
  const progress = opts.onProgress ?? (() => undefined);
  const root = opts.sessionsRoot ?? sessionsRoot();
  const audited = readAuditedNotebook(opts.notebook, root);
  const { session, usage } = audited;
  const output = resolve(opts.output ?? defaultArchivePath(audited.path));
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const home = process.env.HOME || homedir();
  const secrets = new SecretRules({ home, ...opts.secrets });

  progress({ phase: 'collecting', done: 0, total: 1 });
  const wanted = wantedPaths(usage);
  // The kernel loads an ELF program's interpreter and a script's #! line itself: no trace line names them.
  for (const w of [...wanted]) {
    if (w.role !== 'executable') continue;
    const interp = interpreterOf(w.path);
    if (interp && !wanted.some(x => x.path === interp)) wanted.push({ path: interp, role: 'system', firstCell: w.firstCell });
  }
  // Folders the run listed are reproduced as far as importlib.metadata looks at them.
  const known = new Set(wanted.map(w => w.path));
  for (const w of await distributionMetadataIn(listedFolders(usage))) {
    if (!known.has(w.path)) wanted.push(w);
    known.add(w.path);
  }

  const staging = await fs.mkdtemp(join(await stagingParent(), 'package-'));
  try {
    const store = new BlobStore(staging);
    const builder = new ManifestBuilder();
    const lookup = cachedLookup();
    const warnings: string[] = [];
    const limit = concurrencyLimit(COPY_CONCURRENCY);
    // Counted as the result counts them: distinct regular files. A folder the run
    // opened is none, a link and its target are one; a file left out is done too.
    const fileOf = new Map(wanted.map(w => [w.path, regularFileOf(w.path, lookup)]));
    const files = new Set([...fileOf.values()].filter((f): f is string => f !== undefined));
    const filesDone = new Set<string>();
    let contentBytes = 0;
    await Promise.all(
      wanted.map(w =>
        limit(async () => {
          const added = await addPath(w, { lookup, secrets, store, builder, maxFileBytes, notebookDir: usage.notebookDir, warnings });
          contentBytes += added;
          const file = fileOf.get(w.path);
          if (file === undefined || filesDone.has(file)) return;
          filesDone.add(file);
          progress({ phase: 'copying', done: filesDone.size, total: files.size });
        })
      )
    );

    const { kept, removed } = filterEnvironment(session.environment ?? {}, {});
    const manifest: Manifest = builder.build({
      created_at: new Date().toISOString(),
      notebook: audited.path,
      uname: unameOf(),
      cwd: session.cwd,
      environment: kept,
      environment_removed: [...new Set([...(session.environmentRemoved ?? []), ...removed])].sort()
    });
    await buildRootTree(staging, manifest);
    await writeProvenance(staging, audited.path, session.id, root, opts.dependencyReport ? await opts.dependencyReport(usage) : undefined);
    await fs.writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');

    const archiveBytes = await writeArchive(staging, output, (done, total, written) => progress({ phase: 'archiving', done, total, archiveBytes: written }));
    progress({ phase: 'done', done: 1, total: 1 });
    return {
      archive: output,
      archiveBytes,
      files: manifest.entries.filter(e => e.kind === 'file').length,
      blobs: manifest.blobs,
      contentBytes,
      leftOut: manifest.left_out,
      environmentRemoved: manifest.environment_removed,
      warnings
    };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/** Staging lives in retrace's own folder, private to the user: never beside the user's files. */
async function stagingParent(): Promise<string> {
  const dir = join(retraceHome(), 'tmp');
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    return tmpdir();
  }
}

interface AddContext {
  lookup: CachedFs;
  secrets: SecretRules;
  store: BlobStore;
  builder: ManifestBuilder;
  maxFileBytes: number;
  notebookDir: string;
  warnings: string[];
}

/** Put one wanted path and the chain leading to it in the manifest; returns the bytes newly stored. */
async function addPath(w: WantedPath, ctx: AddContext): Promise<number> {
  const cell: CellRef | undefined = w.firstCell;
  // A path only found to exist is packed when it is there and small, and never named otherwise.
  const leave = (reason: LeftOut['reason'], rule: string, extra: Partial<LeftOut> = {}) =>
    w.probe ? undefined : ctx.builder.addLeftOut({ path: w.path, reason, rule, ...extra, ...(cell ? { first_cell: cell } : {}) });

  const chain = resolveChain(w.path, ctx.lookup);
  // A secret anywhere on the way (a link into ~/.ssh) keeps the whole path out.
  for (const p of [w.path, ...chain.steps.map(s => s.path)]) {
    const verdict = ctx.secrets.classifySecret(p);
    if (verdict.secret) {
      leave('secret', verdict.rule);
      return 0;
    }
  }
  if (chain.problem || !chain.resolved) {
    const why = chain.problem?.kind === 'loop' ? 'a symbolic-link loop' : 'gone since the audit';
    const at = chain.problem?.at;
    leave('missing', at && at !== w.path ? `${why} (${at})` : why);
    return 0;
  }
  const role = (p: string) => (p === chain.resolved ? w.role : classifyStep(p, ctx.notebookDir));
  const end = chain.steps[chain.steps.length - 1];
  if (!end) return 0; // the root itself
  if (w.probe && !isSmallFileOrFolder(end, ctx.lookup)) return 0;
  for (const step of chain.steps) {
    if (step.path === chain.resolved) break;
    const st = ctx.lookup.lstat(step.path);
    const entry: ManifestEntry = {
      path: step.path,
      kind: step.kind === 'symlink' ? 'symlink' : 'directory',
      mode: st.mode & 0o7777,
      mtime: Math.floor(st.mtimeMs / 1000),
      role: role(step.path)
    };
    if (step.kind === 'symlink') entry.target = step.target;
    if (cell) entry.first_cell = cell;
    ctx.builder.addEntry(entry);
  }
  const last = end;
  if (last.kind === 'directory') {
    const st = ctx.lookup.lstat(last.path);
    ctx.builder.addEntry({
      path: last.path,
      kind: 'directory',
      mode: st.mode & 0o7777,
      mtime: Math.floor(st.mtimeMs / 1000),
      role: w.role,
      ...(cell ? { first_cell: cell } : {})
    });
    return 0;
  }
  if (last.kind !== 'file') {
    leave('missing', `not a regular file (${last.path})`);
    return 0;
  }
  const st = await fs.stat(last.path);
  // The limit is for data: software is what makes the container run.
  if (w.role === 'user' && st.size > ctx.maxFileBytes) {
    const { hash, size } = await hashOnly(last.path);
    leave('too-large', `${formatBytes(size)}, over the size limit of ${formatBytes(ctx.maxFileBytes)}`, { size, hash });
    return 0;
  }
  const stored = await ctx.store.add(last.path, st.mode & 0o7777);
  const asRead = w.asRead;
  if (asRead?.sha256 && asRead.sha256 !== stored.hash) {
    leave(
      'changed',
      `changed since cell ${cell?.seq ?? '?'} read it: it read ${asRead.sha256.slice(0, 19)}…, the file now hashes to ${stored.hash.slice(0, 19)}…`,
      {
        hash: asRead.sha256,
        size: asRead.size
      }
    );
    return 0;
  }
  if (asRead?.note === 'changed-before-hashed') ctx.warnings.push(`${asRead.path}: changed while the cell ran; the container has it as the audit hashed it`);
  ctx.builder.addEntry({
    path: last.path,
    kind: 'file',
    hash: stored.hash,
    size: stored.size,
    mode: st.mode & 0o7777,
    mtime: Math.floor(st.mtimeMs / 1000),
    role: w.role,
    ...(cell ? { first_cell: cell } : {})
  });
  return stored.added ? stored.size : 0;
}

/** What a path only found to exist may bring into the container: a folder, or a file no larger than a landmark. */
function isSmallFileOrFolder(end: { path: string; kind: string }, lookup: CachedFs): boolean {
  return end.kind === 'directory' || (end.kind === 'file' && lookup.lstat(end.path).size <= PROBE_MAX_BYTES);
}

/** Folders and links on the way to a file: the notebook's own, or the system's. */
function classifyStep(path: string, notebookDir: string): ManifestEntry['role'] {
  return path === notebookDir || path.startsWith(notebookDir + '/') ? 'user' : 'system';
}

/** root/: folders, hard links to blobs, symbolic links, as the manifest says. */
async function buildRootTree(staging: string, manifest: Manifest): Promise<void> {
  const at = (p: string) => join(staging, 'root', relativeInsideRoot(p));
  await fs.mkdir(join(staging, 'root'), { recursive: true });
  for (const e of manifest.entries) {
    const target = at(e.path);
    if (e.kind === 'directory') await fs.mkdir(target, { recursive: true });
  }
  for (const e of manifest.entries) {
    const target = at(e.path);
    await fs.mkdir(dirname(target), { recursive: true });
    if (e.kind === 'file') await fs.link(join(staging, blobOf(e)), target);
    else if (e.kind === 'symlink') await fs.symlink(e.target!, target);
  }
}

function blobOf(e: ManifestEntry): string {
  const hex = e.hash!.slice('sha256:'.length);
  return `blobs/sha256/${hex.slice(0, 2)}/${hex.slice(2)}`;
}

/** notebook.ipynb, deps.json and provenance/: the session's own record of the run. */
async function writeProvenance(staging: string, notebook: string, id: string, root: string, deps: unknown): Promise<void> {
  const paths = sessionPaths(id, root);
  await fs.copyFile(notebook, join(staging, 'notebook.ipynb'));
  await fs.mkdir(join(staging, 'provenance', 'cells'), { recursive: true });
  const meta = JSON.parse(await fs.readFile(paths.meta, 'utf8'));
  await fs.writeFile(join(staging, 'provenance', 'session.json'), JSON.stringify(meta, null, 1) + '\n');
  await fs.copyFile(paths.startup, join(staging, 'provenance', 'startup.json')).catch(() => undefined);
  for (const f of await fs.readdir(paths.cells)) {
    if (/^\d+\.json$/.test(f)) await fs.copyFile(join(paths.cells, f), join(staging, 'provenance', 'cells', f));
  }
  if (deps !== undefined) await fs.writeFile(join(staging, 'deps.json'), JSON.stringify(deps, null, 1) + '\n');
}

/** The regular file a path leads to through its links, if it does (a folder, a missing path: none). */
function regularFileOf(path: string, lookup: CachedFs): string | undefined {
  const chain = resolveChain(path, lookup);
  if (chain.problem || !chain.resolved) return undefined;
  return chain.steps[chain.steps.length - 1].kind === 'file' ? chain.resolved : undefined;
}

function unameOf(): Manifest['uname'] {
  return { sysname: os.type(), release: os.release(), version: os.version(), machine: os.machine(), nodename: os.hostname() };
}
