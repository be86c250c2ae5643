/**
 * Without strace the audit kernel still starts, and says in every cell, and through
 * the companion, that it is not auditing and how to fix that.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, startServer, VENV_BIN, type RunningServer } from './jupyter-server';

// A PATH with Node and the venv but no strace.
const bin = mkdtempSync(join(tmpdir(), 'retrace-it-bin-'));
symlinkSync(process.execPath, join(bin, 'node'));
const pathWithoutStrace = `${VENV_BIN}:${bin}`;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ PATH: pathWithoutStrace });
});
afterAll(async () => {
  await server?.stop();
});

describe('retrace doctor without strace', () => {
  it('exits non-zero and says how to fix it', () => {
    const r = spawnSync(join(VENV_BIN, 'retrace'), ['doctor'], { env: { ...process.env, PATH: pathWithoutStrace }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/strace\s+missing/);
    expect(r.stdout).toContain('audit:  NOT READY');
    expect(r.stdout).toContain('fix: Install it: apt-get install strace');
  });

  it('exits zero where auditing works', () => {
    const r = spawnSync(join(VENV_BIN, 'retrace'), ['doctor', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).diagnosis.auditReady).toBe(true);
  });
});

describe('the audit kernel without strace', () => {
  it('starts, runs cells, and warns in each cell that it is not auditing', async () => {
    const kernel = await server.kernels.startNew({ name: 'retrace-audit' });
    for (const code of ['print(1 + 1)', 'print(2 + 2)']) {
      const run = await execute(kernel, code);
      expect(run.status).toBe('ok');
      expect(run.stderr).toContain('NOT being audited');
      expect(run.stderr).toContain('strace was not found on PATH');
      expect(run.stderr).toContain('apt-get install strace');
    }

    const r = await fetch(`${server.url}retrace-companion/api/sessions/${kernel.id}`, {
      headers: { Authorization: `token ${server.token}` }
    });
    expect(r.status).toBe(200);
    const meta = await r.json();
    expect(meta.audited).toBe(false);
    expect(meta.notAuditedReason).toContain('strace was not found');

    const doctor = await fetch(`${server.url}retrace-companion/api/environment`, {
      headers: { Authorization: `token ${server.token}` }
    });
    const { diagnosis } = await doctor.json();
    expect(diagnosis.auditReady).toBe(false);
    expect(diagnosis.problems[0].fix).toContain('apt-get install strace');
    await kernel.shutdown();
  });
});
