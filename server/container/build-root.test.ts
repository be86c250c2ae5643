import { promises as fs, existsSync, lstatSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRoot, type RootPlan } from '../../core/container/archive-checks';
import { blobPath } from '../../core/container/manifest';
import type { Manifest } from '../../core/contract/manifest';
import { buildRoot, RootBuildError } from './build-root';
import { sha256 } from './__fixtures__/archive-builder';

async function workWithBlob(content: string): Promise<{ work: string; hash: string }> {
  const work = mkdtempSync(join(tmpdir(), 'retrace-build-root-'));
  const hash = sha256(content);
  await fs.mkdir(dirname(join(work, blobPath(hash))), { recursive: true });
  await fs.writeFile(join(work, blobPath(hash)), content);
  return { work, hash };
}

describe('buildRoot', () => {
  it('creates links last, so a plan cannot write through one', async () => {
    const { work, hash } = await workWithBlob('data');
    const plan: RootPlan = {
      folders: [],
      files: [{ hash, blob: blobPath(hash), mode: 0o644, paths: ['etc/f'], usesBlobInode: true }],
      symlinks: [{ path: 'etc', target: '/etc' }]
    };
    const error = await buildRoot(work, plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RootBuildError);
    expect((error as RootBuildError).message).toMatch(/cannot create "\/etc" in root\/: EEXIST/);
    expect(lstatSync(join(work, 'root/etc')).isDirectory()).toBe(true);
    expect(readFileSync(join(work, 'root/etc/f'), 'utf8')).toBe('data');
    await fs.rm(work, { recursive: true, force: true });
  });

  it('refuses a folder where a file already is', async () => {
    const { work, hash } = await workWithBlob('data');
    const plan: RootPlan = {
      folders: [{ path: 'a', mode: 0o755 }],
      files: [{ hash, blob: blobPath(hash), mode: 0o644, paths: ['a'], usesBlobInode: true }],
      symlinks: []
    };
    await expect(buildRoot(work, plan)).rejects.toThrow(/cannot create "\/a" in root\/: EEXIST/);
    await fs.rm(work, { recursive: true, force: true });
  });

  it('keeps the owner able to clean up folders recorded read-only', async () => {
    const { work, hash } = await workWithBlob('data');
    const manifest: Manifest = {
      format: '1',
      created_at: '2026-01-01T00:00:00Z',
      notebook: '/n.ipynb',
      uname: { sysname: 'Linux', release: '6', version: '#1', machine: 'x86_64' },
      cwd: '/',
      environment: {},
      environment_removed: [],
      entries: [
        { path: '/ro', kind: 'directory', mode: 0o555, role: 'system', mtime: 7 },
        { path: '/ro/f', kind: 'file', hash, size: 4, mode: 0o444, role: 'system', mtime: 5 }
      ],
      left_out: [],
      blobs: 1
    };
    await buildRoot(work, planRoot(manifest));
    const folder = lstatSync(join(work, 'root/ro'));
    expect([folder.mode & 0o777, folder.mtimeMs]).toEqual([0o755, 7000]);
    const file = lstatSync(join(work, 'root/ro/f'));
    expect([file.mode & 0o777, file.mtimeMs]).toEqual([0o444, 5000]);
    await fs.rm(work, { recursive: true, force: true });
    expect(existsSync(work)).toBe(false);
  });
});
