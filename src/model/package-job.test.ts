import { describe, expect, it } from 'vitest';
import type { RetraceClient } from '../api';
import type { JobStatus, PackageProgress } from '../../core/contract/packaging';
import { describeProgress, packageRequest, progressFraction, runPackageJob } from './package-job';

const summary = { archive: '/r/a.retrace.tar.gz', archiveBytes: 1, files: 1, blobs: 1, contentBytes: 1, leftOut: [], environmentRemoved: [], warnings: [] };

function client(statuses: Array<Partial<JobStatus>>) {
  const requests: unknown[] = [];
  let polls = 0;
  const c = {
    startPackage: async (request: unknown) => (requests.push(request), { job: 'j1', archivePath: 'a.retrace.tar.gz' }),
    job: async () => ({ id: 'j1', startedAt: '', progress: null, state: 'running', ...statuses[Math.min(polls++, statuses.length - 1)] })
  } as unknown as RetraceClient;
  return { c, requests, polls: () => polls };
}

describe('a packaging job as the frontend follows it', () => {
  it('builds the request from the settings', () => {
    expect(packageRequest('w/a.ipynb', { maxFileBytes: null, extraDenied: ['*.key'], allowed: [] })).toEqual({
      notebook: 'w/a.ipynb',
      deny: ['*.key'],
      allow: []
    });
    expect(packageRequest('a.ipynb', { maxFileBytes: 10, extraDenied: [], allowed: ['~/.netrc'] })).toMatchObject({ maxFileBytes: 10, allow: ['~/.netrc'] });
  });

  it('reports each new progress and returns the result', async () => {
    const copying: PackageProgress = { phase: 'copying', done: 1, total: 2 };
    const { c, polls } = client([
      { progress: copying },
      { progress: copying },
      { progress: { phase: 'archiving', done: 0, total: 5 } },
      { state: 'done', result: summary }
    ]);
    const seen: PackageProgress[] = [];
    const outcome = await runPackageJob(c, { notebook: 'a.ipynb' }, { onProgress: p => seen.push(p), pollMs: 1 });
    expect(outcome).toEqual({ summary, archivePath: 'a.retrace.tar.gz' });
    expect(seen.map(p => p.phase)).toEqual(['copying', 'archiving']);
    expect(polls()).toBe(4);
  });

  it("fails with the companion's words, and gives up after its time", async () => {
    const failed = client([{ state: 'failed', error: 'a.ipynb was never audited' }]);
    await expect(runPackageJob(failed.c, { notebook: 'a.ipynb' }, { pollMs: 1 })).rejects.toThrow('a.ipynb was never audited');
    const slow = client([{}]);
    await expect(runPackageJob(slow.c, { notebook: 'a.ipynb' }, { pollMs: 5, timeoutMs: 20 })).rejects.toThrow(/too long/);
  });

  it('shows progress as the command line does (core/container/package-progress.ts)', () => {
    expect(describeProgress({ phase: 'archiving', done: 1024, total: 2048, archiveBytes: 512 })).toBe('writing the archive: 1.0 KiB of 2.0 KiB, 512 B written');
    expect(progressFraction({ phase: 'done', done: 1, total: 1 })).toBe(1);
  });
});
