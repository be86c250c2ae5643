import { existsSync, lstatSync, statSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest, ManifestEntry } from '../../core/contract/manifest';
import { prepareBoundFolders } from './host-files';
import { buildView } from './view';
import { hostPathInView } from './view-paths';

const HASH = 'sha256:' + 'a'.repeat(64);

/** An unpacked container's root/ with a few entries, and its manifest. */
function container() {
  const base = mkdtempSync(join(tmpdir(), 'retrace-view-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  writeFileSync(join(root, 'usr/lib/libx.so'), 'lib');
  mkdirSync(join(root, 'nb/data'), { recursive: true });
  writeFileSync(join(root, 'nb/data/in.csv'), 'container data');
  const entries: ManifestEntry[] = [
    { path: '/lib', kind: 'symlink', target: 'usr/lib', mode: 0o777, role: 'system' },
    { path: '/nb', kind: 'directory', mode: 0o755, role: 'user' },
    { path: '/nb/data', kind: 'directory', mode: 0o755, role: 'user' },
    { path: '/nb/data/in.csv', kind: 'file', hash: HASH, size: 14, mode: 0o644, mtime: 1000, role: 'user' },
    { path: '/usr', kind: 'directory', mode: 0o755, mtime: 1200, role: 'system' },
    { path: '/usr/lib', kind: 'directory', mode: 0o755, mtime: 1500, role: 'system' },
    { path: '/usr/lib/libx.so', kind: 'file', hash: HASH, size: 3, mode: 0o644, role: 'system' }
  ];
  const manifest = {
    format: '1',
    created_at: '',
    notebook: '/nb/a.ipynb',
    uname: { sysname: '', release: '', version: '', machine: '' },
    cwd: '/nb',
    environment: {},
    environment_removed: [],
    entries,
    left_out: [{ path: '/home/ada/.netrc', reason: 'secret', rule: 'login credentials' }],
    blobs: 1
  } as Manifest;
  return { base, root, manifest };
}

describe('buildView', () => {
  it('strict: the container only, plus mount points and links to the host for left-out paths', async () => {
    const { base, root, manifest } = container();
    const view = await buildView({
      rootDir: root,
      manifest,
      mode: 'strict',
      hostMount: '/.retrace-host',
      boundDirs: ['/tmp', '/nb'],
      boundFiles: ['/run/k.json'],
      parent: join(base, 'views')
    });
    expect(readFileSync(join(view.dir, 'usr/lib/libx.so'), 'utf8')).toBe('lib');
    expect(readlinkSync(join(view.dir, 'lib'))).toBe('usr/lib');
    expect(readlinkSync(join(view.dir, 'home/ada/.netrc'))).toBe('/.retrace-host/home/ada/.netrc');
    expect(lstatSync(join(view.dir, 'tmp')).isDirectory()).toBe(true);
    expect(lstatSync(join(view.dir, 'run/k.json')).isFile()).toBe(true);
    // the notebook folder is bound from the host: nothing of the container's goes there
    expect(existsSync(join(view.dir, 'nb/data'))).toBe(false);
    expect(existsSync(join(view.dir, 'etc'))).toBe(false);
    await view.dispose();
    expect(existsSync(view.dir)).toBe(false);
  });

  it('layered: what the container lacks falls through to the host, by links into the host mount', async () => {
    const { base, root, manifest } = container();
    const view = await buildView({
      rootDir: root,
      manifest,
      mode: 'layered',
      hostMount: '/.retrace-host',
      boundDirs: ['/tmp', '/nb'],
      boundFiles: [],
      parent: join(base, 'views')
    });
    expect(readlinkSync(join(view.dir, 'etc'))).toBe('/.retrace-host/etc');
    expect(readFileSync(join(view.dir, 'usr/lib/libx.so'), 'utf8')).toBe('lib'); // the container's wins
    expect(readlinkSync(join(view.dir, 'usr/bin'))).toBe('/.retrace-host/usr/bin');
    expect(existsSync(join(view.dir, '.retrace-host'))).toBe(false);
    expect(lstatSync(join(view.dir, 'tmp')).isDirectory()).toBe(true); // a mount point, not a link
    expect(view.fallThroughLinks).toBeGreaterThan(0);
    expect(hostPathInView('/usr/bin/env', { viewDir: view.dir, hostMount: '/.retrace-host', notebookDir: '/nb', hostNotebookDir: '/elsewhere' })).toBe(
      '/usr/bin/env'
    );
    expect(hostPathInView('/usr/lib/libx.so', { viewDir: view.dir, hostMount: '/.retrace-host', notebookDir: '/nb', hostNotebookDir: '/elsewhere' })).toBe(
      join(view.dir, 'usr/lib/libx.so')
    );
    expect(hostPathInView('/nb/data/in.csv', { viewDir: view.dir, hostMount: '/.retrace-host', notebookDir: '/nb', hostNotebookDir: '/elsewhere' })).toBe(
      '/elsewhere/data/in.csv'
    );
    await view.dispose();
  });
});

describe('view templates', () => {
  it('makes later views as links to a template, the same tree, and a new template when a mirrored host folder changes', async () => {
    const { base, root, manifest } = container();
    const host = mkdtempSync('/var/tmp/retrace-view-host-'); // a host folder the container also has (not under a bound /tmp)
    writeFileSync(join(host, 'one'), '1');
    const m = { ...manifest, entries: [...manifest.entries, { path: host, kind: 'directory' as const, mode: 0o755, role: 'system' as const }] };
    const opts = {
      rootDir: root,
      manifest: m,
      mode: 'layered' as const,
      hostMount: '/.retrace-host',
      boundDirs: ['/tmp', '/nb'],
      boundFiles: ['/run/rt/k.json'],
      privateDirs: ['/run/rt'],
      parent: join(base, 'views'),
      templates: { dir: join(base, 'views', 'templates'), key: 'abc' }
    };
    const first = await buildView(opts);
    const second = await buildView(opts);
    for (const v of [first, second]) {
      expect(readFileSync(join(v.dir, 'usr/lib/libx.so'), 'utf8')).toBe('lib');
      expect(readlinkSync(join(v.dir, 'lib'))).toBe('usr/lib');
      expect(readlinkSync(join(v.dir, host, 'one'))).toBe(`/.retrace-host${host}/one`);
      expect(lstatSync(join(v.dir, 'run/rt/k.json')).isFile()).toBe(true);
    }
    expect(second.fallThroughLinks).toBe(first.fallThroughLinks);
    expect(readdirSync(join(base, 'views', 'templates')).filter(n => !n.endsWith('.json'))).toHaveLength(1);

    writeFileSync(join(host, 'two'), '2');
    const third = await buildView(opts);
    expect(readlinkSync(join(third.dir, host, 'two'))).toBe(`/.retrace-host${host}/two`);
    expect(readdirSync(join(base, 'views', 'templates')).filter(n => !n.endsWith('.json'))).toHaveLength(1); // the stale one is gone
    for (const v of [first, second, third]) await v.dispose();
    rmSync(host, { recursive: true });
  });
});

describe('folder times', () => {
  it("are the audit's in a view built afresh and in one made from a template (fontconfig checks its caches against them)", async () => {
    for (const mode of ['strict', 'layered'] as const) {
      const { base, root, manifest } = container();
      const opts = { rootDir: root, manifest, mode, hostMount: '/.retrace-host', boundDirs: ['/tmp', '/nb'], boundFiles: [], parent: join(base, 'views') };
      const fresh = await buildView(opts);
      const templates = { dir: join(base, 'views', 'templates'), key: 'k' };
      const fromTemplate = [await buildView({ ...opts, templates }), await buildView({ ...opts, templates })];
      for (const v of [fresh, ...fromTemplate]) {
        expect(statSync(join(v.dir, 'usr/lib')).mtimeMs, `${mode} /usr/lib`).toBe(1500_000);
        expect(statSync(join(v.dir, 'usr')).mtimeMs, `${mode} /usr`).toBe(1200_000);
        await v.dispose();
      }
    }
  });
});

describe('prepareBoundFolders', () => {
  it('puts missing inputs back on the host and mounts the container copy over a different one', async () => {
    const { base, root, manifest } = container();
    const host = join(base, 'host-nb');
    const restored = await prepareBoundFolders(manifest, root, [{ original: '/nb', host }]);
    expect(restored.restored).toEqual(['/nb/data/in.csv']);
    expect(readFileSync(join(host, 'data/in.csv'), 'utf8')).toBe('container data');
    expect(lstatSync(join(host, 'data/in.csv')).mtimeMs).toBe(1000_000);

    writeFileSync(join(host, 'data/in.csv'), 'the host has other data');
    const again = await prepareBoundFolders(manifest, root, [{ original: '/nb', host }]);
    expect(again).toEqual({ restored: [], overrides: [{ source: join(root, '/nb/data/in.csv'), target: '/nb/data/in.csv' }] });
  });
});
