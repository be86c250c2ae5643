/**
 * Without strace the audit kernel still starts, and says in every cell, and through
 * the companion, that it is not auditing and how to fix that.
 */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, startServer, VENV_BIN, type RunningServer } from './jupyter-server';

let server: RunningServer;
beforeAll(async () => {
  // A PATH with Node and the venv but no strace.
  const bin = mkdtempSync(join(tmpdir(), 'retrace-it-bin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  server = await startServer({ PATH: `${VENV_BIN}:${bin}` });
});
afterAll(async () => {
  await server?.stop();
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
