/**
 * The `retrace-repeat` kernel: the audited interpreter and libraries, from the
 * notebook's container, run rootless in a bubblewrap sandbox whose `/` is a view of
 * the container (server/repeat/view.ts), traced by strace exactly as the audit was
 * so that each cell's lineage can be compared with the audit's. When the sandbox
 * cannot start (no container, no bubblewrap), the host's ordinary kernel starts
 * instead and every cell says it is NOT being repeated, and why.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ipykernelArgv, sessionIdFromConnectionFile, tracedArgv } from '../../core/capture/kernel-command';
import { cacheFoldersOf, type PathContext } from '../../core/provenance/path-rules';
import { bwrapArgv } from '../../core/repeat/sandbox-command';
import { SessionFollower } from '../capture/session-follower';
import { superviseKernel } from '../capture/kernel-supervisor';
import { containersRoot, dropIfTouched, openContainer, type UnpackedContainer } from '../container/unpack';
import { retraceHome } from '../store/paths';
import { createSession, writeSessionMeta } from '../store/sessions';
import type { SessionMeta } from '../../core/contract/records';
import { which } from '../system/exec';
import { probeStrace } from '../system/probe';
import { findDescendant } from '../system/proc';
import { prepareBoundFolders } from './host-files';
import { locateContainer, repeatMode } from './locate-container';
import { buildView, dropTemplates, type View } from './view';
import type { RepeatMode } from '../../core/contract/repeat-mode';
import { hostPathInView } from './view-paths';

/** Where the sandbox shows the host's root: fall-through links point into it. */
export const HOST_MOUNT = '/.retrace-host';
export const REPEAT_DISABLED_ENV = 'RETRACE_REPEAT_DISABLED';

export interface RepeatLaunchOptions {
  connectionFile: string;
  /** The host's interpreter: only used when the sandbox cannot start. */
  python: string;
  kernelArgs: string[];
}

interface Prepared {
  archive: string;
  container: UnpackedContainer;
  mode: RepeatMode;
  view: View;
  argv: string[];
  env: NodeJS.ProcessEnv;
  context: PathContext;
  notebookDir: string;
  /** The audited interpreter, run from the container. */
  python: string;
  hostPathOf: (p: string) => string;
  auditSession?: string;
  restored: string[];
  overridden: string[];
  seccompBpf: boolean;
  /** How long opening the container, preparing the notebook folder and building the view took. */
  timings: { openMs: number; hostFilesMs: number; viewMs: number };
  viewLinks: { fromContainer: number; toHost: number };
}

export async function launchRepeatKernel(opts: RepeatLaunchOptions): Promise<number> {
  const id = sessionIdFromConnectionFile(opts.connectionFile);
  const meta: SessionMeta = {
    id,
    kind: 'repeat',
    startedAt: new Date().toISOString(),
    audited: false,
    python: opts.python,
    argv: [],
    launcherPid: process.pid,
    cwd: process.cwd()
  };
  const paths = createSession(meta);
  let prepared: Prepared | undefined;
  try {
    prepared = await prepare(opts, paths.log);
  } catch (e) {
    meta.notAuditedReason = `retrace could not start the repeat sandbox: ${(e as Error).message}`;
    process.stderr.write(`retrace: ${meta.notAuditedReason}\n`);
  }
  if (prepared) {
    meta.audited = true;
    meta.python = prepared.python;
    meta.cwd = prepared.notebookDir;
    meta.container = {
      archive: prepared.archive,
      hash: prepared.container.archiveHash,
      mode: prepared.mode,
      auditSession: prepared.auditSession,
      restored: prepared.restored,
      overridden: prepared.overridden,
      timings: prepared.timings,
      viewLinks: prepared.viewLinks
    };
    meta.strace = { path: prepared.argv[0], seccompBpf: prepared.seccompBpf };
  }
  const argv = prepared?.argv ?? ipykernelArgv(opts);
  meta.argv = argv;
  writeSessionMeta(paths, meta);

  const env: NodeJS.ProcessEnv = prepared
    ? { ...prepared.env, RETRACE_SESSION_ID: id, RETRACE_SESSION_DIR: paths.dir }
    : { ...process.env, [REPEAT_DISABLED_ENV]: meta.notAuditedReason };
  const follower = prepared
    ? SessionFollower.of(
        { id, run: meta.run, paths },
        {
          context: prepared.context,
          initialCwd: process.cwd(),
          hostMount: HOST_MOUNT,
          hostPathOf: prepared.hostPathOf
        }
      )
    : undefined;
  return superviseKernel({
    argv,
    env,
    paths,
    meta,
    follower,
    // The kernel is the sandbox's python, below strace and bwrap.
    kernelPids: pid => {
      if (!prepared) return [pid];
      // bwrap's own argv names ipykernel_launcher too: match the python running it.
      const kernel = findDescendant(pid, a => a[1] === '-m' && a[2] === 'ipykernel_launcher');
      return kernel === undefined ? [] : [kernel];
    },
    cleanUp: async () => {
      if (!prepared) return;
      await prepared.view.dispose();
      // The view's files share their inode with the cache: a run that wrote into one
      // changed the cached container, which is then unpacked afresh next time.
      const touched = await dropIfTouched(prepared.container);
      if (touched.length) await dropTemplates(templatesDir(), prepared.container.archiveHash.slice('sha256:'.length));
      if (touched.length)
        process.stderr.write(
          `retrace: the run wrote into ${touched.length} container file(s) (${touched.slice(0, 3).join(', ')}); its cached copy was dropped\n`
        );
    },
    // A group-wide SIGINT would kill bubblewrap, and the kernel with it.
    isolate: prepared !== undefined
  });
}

async function prepare(opts: RepeatLaunchOptions, logPath: string): Promise<Prepared> {
  const archive = locateContainer(process.env, process.cwd());
  const mode = repeatMode(process.env);
  const bwrap = which('bwrap');
  if (!bwrap) throw new Error('bubblewrap is not installed (apt-get install bubblewrap)');
  const strace = await probeStrace();
  if (!strace.found || !strace.path) throw new Error('strace is not installed (apt-get install strace): a repeat is traced to compare it with the audit');
  if (!strace.ptracePermitted) throw new Error('this machine does not allow ptrace, so the repeat cannot be traced');

  const t0 = Date.now();
  const container = await openContainer(archive);
  const t1 = Date.now();
  const { manifest } = container;
  const auditMeta = readAuditSession(container);
  const python = auditMeta.python;
  const notebookDir = manifest.cwd;
  const hostNotebookDir = process.cwd();

  const host = await prepareBoundFolders(manifest, container.rootDir, [
    { original: notebookDir, host: hostNotebookDir },
    { original: '/tmp', host: '/tmp' }
  ]);
  const t2 = Date.now();
  const view = await buildView({
    rootDir: container.rootDir,
    manifest,
    mode,
    hostMount: HOST_MOUNT,
    boundDirs: ['/dev', '/proc', '/sys', '/tmp', notebookDir],
    boundFiles: [opts.connectionFile],
    // Other kernels' connection files stay out of the sandbox.
    privateDirs: [dirname(opts.connectionFile)],
    parent: join(containersRoot(), '.views'),
    templates: { dir: templatesDir(), key: container.archiveHash.slice('sha256:'.length) }
  });
  const timings = { openMs: t1 - t0, hostFilesMs: t2 - t1, viewMs: Date.now() - t2 };
  const command = [python, '-m', 'ipykernel_launcher', '-f', opts.connectionFile, '--ext=jupyterlab_retrace.kernel_agent', ...opts.kernelArgs];
  const seccompBpf = strace.seccompBpf && process.env.RETRACE_SECCOMP_BPF !== '0';
  const argv = tracedArgv(
    { strace: strace.path, logPath, seccompBpf },
    bwrapArgv({
      bwrap,
      viewDir: view.dir,
      hostMount: HOST_MOUNT,
      notebookDir,
      hostNotebookDir,
      connectionFile: opts.connectionFile,
      overrides: host.overrides,
      command
    })
  );
  const home = manifest.environment.HOME || process.env.HOME || homedir();
  const overrideSource = new Map(host.overrides.map(o => [o.target, o.source]));
  return {
    archive,
    container,
    mode,
    view,
    argv,
    env: repeatEnvironment(manifest.environment),
    context: {
      notebookDir,
      home,
      softwarePrefixes: softwarePrefixesOf(python),
      noisePrefixes: [retraceHome(), opts.connectionFile, ...cacheFoldersOf(manifest.environment)]
    },
    notebookDir,
    python,
    hostPathOf: p => overrideSource.get(p) ?? hostPathInView(p, { viewDir: view.dir, hostMount: HOST_MOUNT, notebookDir, hostNotebookDir }),
    auditSession: auditMeta.id,
    restored: host.restored,
    overridden: host.overrides.map(o => o.target),
    seccompBpf,
    timings,
    viewLinks: { fromContainer: view.fromContainer, toHost: view.fallThroughLinks }
  };
}

function templatesDir(): string {
  return join(containersRoot(), '.views', 'templates');
}

function readAuditSession(container: UnpackedContainer): SessionMeta {
  try {
    return JSON.parse(readFileSync(join(container.provenanceDir, 'session.json'), 'utf8')) as SessionMeta;
  } catch {
    throw new Error(`the container has no provenance/session.json: it was not made by retrace package`);
  }
}

/**
 * The audit's environment (its PATH, PYTHONPATH, locale...), with what belongs to
 * this kernel: the notebook Jupyter says it serves. (Compiled modules need nothing:
 * the container holds the bytecode the audit loaded, with its sources' times.)
 */
function repeatEnvironment(recorded: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...recorded };
  for (const name of Object.keys(env)) if (name.startsWith('RETRACE_') || name.startsWith('JPY_')) delete env[name];
  for (const name of ['JPY_SESSION_NAME', 'JPY_PARENT_PID', 'TERM']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

function softwarePrefixesOf(python: string): string[] {
  return basename(dirname(python)) === 'bin' ? [dirname(dirname(python))].filter(p => p !== '/' && p !== '/usr') : [];
}
