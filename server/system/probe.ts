/**
 * Probe this machine for the tools retrace needs and build the environment report.
 * Each probe is a short, bounded command; together they take well under a second.
 */
import { release, arch, platform } from 'node:os';
import type { EnvironmentReport, PythonStatus, StraceStatus, ToolStatus } from '../../core/contract/environment';
import { RETRACE_VERSION } from '../../core/version';
import { run, which } from './exec';

const firstLine = (s: string) =>
  s
    .split('\n')
    .find(l => l.trim())
    ?.trim();
/** The first version number printed (proot prints an ASCII-art banner around it). */
const versionNumber = (s: string) => s.match(/\d+\.\d+(\.\d+)?/)?.[0];

async function probeTool(name: string, versionArgs: string[]): Promise<ToolStatus> {
  const path = which(name);
  if (!path) return { found: false };
  const r = await run(path, versionArgs);
  const version = versionNumber(r.stdout) ?? versionNumber(r.stderr);
  return { found: true, path, version };
}

/** What strace can do here: trace at all, and with --seccomp-bpf. */
export async function probeStrace(pathVar = process.env.PATH): Promise<StraceStatus> {
  const path = which('strace', pathVar);
  if (!path) return { found: false, ptracePermitted: false, seccompBpf: false };
  const version = versionNumber((await run(path, ['-V'])).stdout);
  const truePath = which('true', pathVar) ?? '/bin/true';
  const withBpf = await run(path, ['-f', '--seccomp-bpf', '-e', 'trace=%process', '-o', '/dev/null', '--', truePath]);
  if (withBpf.code === 0) return { found: true, path, version, ptracePermitted: true, seccompBpf: true };
  const plain = await run(path, ['-f', '-o', '/dev/null', '--', truePath]);
  return {
    found: true,
    path,
    version,
    ptracePermitted: plain.code === 0,
    seccompBpf: false,
    error: plain.code === 0 ? undefined : (firstLine(plain.stderr) ?? plain.error)
  };
}

/** The interpreter kernels run with, and the ipykernel it can import. */
export async function probePython(python: string): Promise<PythonStatus> {
  const path = which(python);
  if (!path) return { found: false, error: `${python} not found` };
  const script =
    'import sys, platform\n' +
    'print(platform.python_version())\n' +
    'try:\n import ipykernel; print(ipykernel.__version__)\n' +
    'except Exception: print("")\n';
  const r = await run(path, ['-c', script]);
  if (r.code !== 0) return { found: false, path, error: firstLine(r.stderr) ?? r.error };
  const [version, ipykernel] = r.stdout.split('\n');
  return { found: true, path, version: version.trim(), ipykernel: ipykernel?.trim() || undefined };
}

/** The interpreter retrace uses for kernels: the one that installed it, else python3. */
export function kernelPython(): string {
  return process.env.RETRACE_PYTHON || 'python3';
}

export async function probeEnvironment(python = kernelPython()): Promise<EnvironmentReport> {
  const [strace, proot, bwrap, py] = await Promise.all([
    probeStrace(),
    probeTool('proot', ['--version']),
    probeTool('bwrap', ['--version']),
    probePython(python)
  ]);
  return {
    retraceVersion: RETRACE_VERSION,
    node: { version: process.version },
    platform: { os: platform(), release: release(), arch: arch() },
    strace,
    proot,
    bwrap,
    python: py
  };
}
