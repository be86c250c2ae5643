/**
 * The `retrace-audit` kernel: run the ordinary IPython kernel under strace, with the
 * trace going straight into this session's log. When strace cannot work here the
 * kernel still starts, un-audited, and the kernel agent tells the user why in every
 * cell it runs, so nothing is silently left out of the record.
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname } from 'node:path';
import { cacheFoldersOf, type PathContext } from '../../core/provenance/path-rules';
import { retraceHome } from '../store/paths';
import { filterEnvironment } from '../../core/container/secrets';
import { which } from '../system/exec';
import { SessionFollower } from './session-follower';
import { superviseKernel } from './kernel-supervisor';
import { ipykernelArgv, sessionIdFromConnectionFile, straceArgv } from '../../core/capture/kernel-command';
import { straceProblems } from '../../core/environment/report';
import { createSession, writeSessionMeta } from '../store/sessions';
import type { SessionMeta } from '../../core/contract/records';
import { probeStrace } from '../system/probe';
import { childPids } from '../system/proc';

export interface AuditLaunchOptions {
  connectionFile: string;
  python: string;
  kernelArgs: string[];
}

/** Start the kernel and resolve with the exit code the launcher should exit with. */
export async function launchAuditKernel(opts: AuditLaunchOptions): Promise<number> {
  const id = sessionIdFromConnectionFile(opts.connectionFile);
  const strace = await probeStrace();
  const problem = straceProblems(strace).find(p => p.severity === 'error' && p.affects === 'audit');

  const meta: SessionMeta = {
    id,
    kind: 'audit',
    startedAt: new Date().toISOString(),
    audited: !problem,
    notAuditedReason: problem ? `${problem.message} ${problem.fix}` : undefined,
    python: opts.python,
    strace: strace.found && strace.path ? { path: strace.path, version: strace.version, seccompBpf: strace.seccompBpf } : undefined,
    argv: [],
    launcherPid: process.pid,
    cwd: process.cwd(),
    // Kept for the container's manifest; secrets are never written to disk.
    ...recordedEnvironment(process.env)
  };
  const paths = createSession(meta);
  const argv = problem
    ? ipykernelArgv(opts)
    : straceArgv({
        ...opts,
        strace: strace.path!,
        logPath: paths.log,
        // RETRACE_SECCOMP_BPF=0 turns the filter off (to measure what it saves).
        seccompBpf: strace.seccompBpf && process.env.RETRACE_SECCOMP_BPF !== '0'
      });
  meta.argv = argv;
  writeSessionMeta(paths, meta);

  const env: NodeJS.ProcessEnv = { ...process.env, RETRACE_SESSION_ID: id, RETRACE_SESSION_DIR: paths.dir };
  if (problem) env.RETRACE_AUDIT_DISABLED = meta.notAuditedReason;
  else delete env.RETRACE_AUDIT_DISABLED;

  const follower = problem ? undefined : SessionFollower.of({ id, run: meta.run, paths }, { context: kernelPathContext(opts), initialCwd: process.cwd() });
  return superviseKernel({
    argv,
    env,
    paths,
    meta,
    follower,
    // Under strace the kernel is strace's child; without it, the child itself.
    kernelPids: pid => (problem ? [pid] : childPids(pid))
  });
}

/** How paths are judged for this kernel: its folder is the notebook's, its interpreter's prefix is software. */
function kernelPathContext(opts: AuditLaunchOptions): PathContext {
  const prefixes = new Set<string>();
  for (const python of [opts.python, safeRealpath(opts.python)]) {
    if (python && basename(dirname(python)) === 'bin') prefixes.add(dirname(dirname(python)));
  }
  return {
    notebookDir: process.cwd(),
    home: homedir(),
    softwarePrefixes: [...prefixes].filter(p => p !== '/' && p !== '/usr'),
    // The connection file itself, not its folder: jupyter_client users such as
    // nbconvert put it in /tmp, where a notebook's own files may live too.
    noisePrefixes: [retraceHome(), opts.connectionFile, ...cacheFoldersOf(process.env)]
  };
}

export function recordedEnvironment(env: NodeJS.ProcessEnv): Pick<SessionMeta, 'environment' | 'environmentRemoved'> {
  const { kept, removed } = filterEnvironment(env);
  return { environment: kept, environmentRemoved: removed };
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(which(path) ?? path);
  } catch {
    return undefined;
  }
}
