/**
 * The retrace-audit kernel end to end: a real Jupyter server starts it from the
 * installed kernelspec, it runs under real strace, and Jupyter's interrupt, restart
 * and shutdown behave as with the ordinary kernel.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernel } from '@jupyterlab/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, startServer, waitFor, type RunningServer } from './jupyter-server';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const sessionDir = (id: string) => join(server.retraceHome, 'sessions', id);
const readMeta = (id: string) => JSON.parse(readFileSync(join(sessionDir(id), 'session.json'), 'utf8'));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startAuditKernel(): Promise<Kernel.IKernelConnection> {
  const kernel = await server.kernels.startNew({ name: 'retrace-audit' });
  await kernel.info;
  return kernel;
}

describe('the retrace-audit kernel', () => {
  it('traces the kernel and its child processes into the session log', async () => {
    const kernel = await startAuditKernel();
    const dataFile = join(server.root, 'input-for-audit.txt');
    writeFileSync(dataFile, 'measured\n');
    const run = await execute(
      kernel,
      [
        'import os, subprocess',
        `print(open(${JSON.stringify(dataFile)}).read().strip())`,
        "subprocess.run(['/bin/true'], check=True)",
        'print(os.getpid())'
      ].join('\n')
    );
    expect(run.status).toBe('ok');
    const [printed, pidText] = run.stdout.trim().split('\n');
    expect(printed).toBe('measured');
    const kernelPid = Number(pidText);

    // The session is named after the kernel id, as the frontend knows it.
    const meta = readMeta(kernel.id);
    expect(meta).toMatchObject({ id: kernel.id, kind: 'audit', audited: true });
    expect(meta.argv[0]).toMatch(/strace$/);

    const log = join(sessionDir(kernel.id), 'trace.log');
    const text = await waitFor(() => {
      const t = existsSync(log) && readFileSync(log, 'utf8');
      return t && t.includes('/bin/true') && t.includes('input-for-audit.txt') ? t : undefined;
    }, 'the trace to show the cell');
    const lines = text.split('\n');
    // The kernel itself opened the data file...
    expect(lines.some(l => l.startsWith(`${kernelPid} `) && l.includes('openat(') && l.includes('input-for-audit.txt'))).toBe(true);
    // ...and a child it forked ran /bin/true: strace -f followed the process tree.
    const exec = lines.find(l => l.includes('execve("/bin/true"'));
    expect(exec).toBeDefined();
    const childPid = Number(exec!.split(' ')[0]);
    expect(childPid).not.toBe(kernelPid);
    // (the fork may be split into "<unfinished ...>" and "<... vfork resumed>" lines)
    const forked = (l: string) => /\b(clone3?|vfork|fork)(\(| resumed>)/.test(l) && l.trimEnd().endsWith(`= ${childPid}`);
    expect(lines.some(forked)).toBe(true);
    // The kernel agent marked the cell's start and end in the trace, in order.
    const begin = lines.findIndex(l => /stat\w*\(.*"\/__retrace__\/[a-f0-9]+\/begin\/1\/0\//.test(l));
    const end = lines.findIndex(l => l.includes('/end/1/1/'));
    const opened = lines.findIndex(l => l.includes('input-for-audit.txt'));
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(begin).toBeLessThan(opened);
    expect(opened).toBeLessThan(end);
    await kernel.shutdown();
  });

  it('survives an interrupt of a long cell and keeps its session', async () => {
    const kernel = await startAuditKernel();
    const launcherPid = readMeta(kernel.id).launcherPid;
    const sleeping = execute(kernel, 'import time\ntime.sleep(60)', () => {
      setTimeout(() => void kernel.interrupt(), 1000);
    });
    const started = Date.now();
    const run = await sleeping;
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.status).toBe('error');
    expect(run.error?.ename).toBe('KeyboardInterrupt');

    const after = await execute(kernel, 'print(6 * 7)');
    expect(after).toMatchObject({ status: 'ok', stdout: '42\n' });
    // Same launcher, same session: the interrupt did not kill and restart anything.
    expect(alive(launcherPid)).toBe(true);
    expect(readMeta(kernel.id).launcherPid).toBe(launcherPid);
    await kernel.shutdown();
  });

  it('restarts into a fresh traced kernel', async () => {
    const kernel = await startAuditKernel();
    await execute(kernel, 'x = 1');
    const before = readMeta(kernel.id).launcherPid;
    await kernel.restart();
    await waitFor(() => readMeta(kernel.id).launcherPid !== before && readMeta(kernel.id).launcherPid, 'the new launcher');
    const run = await execute(kernel, "print('x' in dir())");
    expect(run.stdout).toBe('False\n');
    expect(readMeta(kernel.id).audited).toBe(true);
    await kernel.shutdown();
  });

  it('shuts down cleanly: launcher, tracer and kernel all exit, the log stays', async () => {
    const kernel = await startAuditKernel();
    await execute(kernel, 'import os; open(os.devnull).close()');
    const { launcherPid } = readMeta(kernel.id);
    await kernel.shutdown();
    const meta = await waitFor(() => {
      const m = readMeta(kernel.id);
      return m.endedAt ? m : undefined;
    }, 'the session to record its end');
    expect(meta.exitCode).toBe(0);
    await waitFor(() => !alive(launcherPid), 'the launcher to exit');
    expect(readFileSync(join(sessionDir(kernel.id), 'trace.log'), 'utf8')).toContain('exited with 0');
  });

  it('is given time to finish its records at shutdown when the launcher is slow (a busy machine)', async () => {
    const kernel = await startAuditKernel();
    await execute(kernel, "print(open(__import__('os').devnull).read())");
    const { launcherPid } = readMeta(kernel.id);
    // A launcher that cannot run for 8 s, as when analysing a long trace on loaded CPUs:
    // Jupyter's default would SIGKILL it after 5 s and the cell's record would be lost.
    process.kill(launcherPid, 'SIGSTOP');
    const shutdown = kernel.shutdown();
    await new Promise(r => setTimeout(r, 8_000));
    process.kill(launcherPid, 'SIGCONT');
    await shutdown;
    const meta = await waitFor(() => {
      const m = readMeta(kernel.id);
      return m.endedAt ? m : undefined;
    }, 'the session to record its end');
    expect(meta.exitCode).toBe(0);
    expect(existsSync(join(sessionDir(kernel.id), 'cells', '1.json'))).toBe(true);
  }, 60_000);
});
