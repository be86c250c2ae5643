import { describe, expect, it } from 'vitest';
import type { SessionMeta } from '../../core/contract/records';
import { dependencyReports } from './dependencies';

const meta = (id: string, audited = true) => ({ id, audited, cwd: '/w', python: 'py', notAuditedReason: audited ? undefined : 'no strace' }) as SessionMeta;

describe('dependency reports of sessions', () => {
  it('builds once per state of the session and again when a cell is recorded', async () => {
    const records: any[] = [{ seq: 1 }];
    let builds = 0;
    const reports = dependencyReports({
      session: id => (id === 'k' ? meta('k') : id === 'u' ? meta('u', false) : undefined),
      cellRecords: () => records,
      usage: (m, recs) => ({ session: m.id, notebookDir: m.cwd, python: m.python, startup: { software: [], programs: [] }, cells: recs as any }),
      build: async (usage, notebook) => (builds++, { session: usage.session, notebook: notebook ?? '', cells: usage.cells } as any)
    });
    const [a, b] = await Promise.all([reports('k', '/w/n.ipynb'), reports('k', '/w/n.ipynb')]);
    expect(a).toBe(b);
    expect(builds).toBe(1);
    records.push({ seq: 2 });
    expect((await reports('k', '/w/n.ipynb'))!.cells).toHaveLength(2);
    expect(builds).toBe(2);
    expect(await reports('none', undefined)).toBeUndefined();
    await expect(reports('u', undefined)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('no strace') });
  });

  it('does not remember a failed build', async () => {
    let fail = true;
    const reports = dependencyReports({
      session: () => meta('k'),
      cellRecords: () => [],
      usage: m => ({ session: m.id }) as any,
      build: async () => {
        if (fail) throw new Error('dpkg broke');
        return { ok: true } as any;
      }
    });
    await expect(reports('k', undefined)).rejects.toThrow('dpkg broke');
    fail = false;
    expect(await reports('k', undefined)).toEqual({ ok: true });
  });
});
