import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PythonDistIndex } from '../../core/deps/python-dists';
import { parseMetadataHeaders, parseRecord, pythonDistributionsFor, readSitePackages, versionFromSource } from './python-metadata';

const root = mkdtempSync(join(tmpdir(), 'retrace-pymeta-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SP = join(root, 'venv/lib/python3.11/site-packages');
function write(rel: string, text: string): string {
  const path = join(SP, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

// A wheel install, a setuptools egg-info folder, a Debian-style single-file egg-info, a bare package.
write('scikit_image-0.24.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: scikit-image\nVersion: 0.24.0\n\nName: not-this\n');
write('scikit_image-0.24.0.dist-info/RECORD', 'skimage/__init__.py,sha256=x,10\n"skimage/odd,name.py",sha256=y,3\nscikit_image-0.24.0.dist-info/RECORD,,\n');
write('skimage/__init__.py', '');
write('oldpkg-1.2-py3.11.egg-info/PKG-INFO', 'Metadata-Version: 1.0\nName: OldPkg\nVersion: 1.2\n');
write('oldpkg-1.2-py3.11.egg-info/installed-files.txt', '../oldpkg/__init__.py\n../oldpkg/core.py\n../../../../bin/oldtool\n');
write('oldpkg-1.2-py3.11.egg-info/top_level.txt', 'oldpkg\n');
write('srconly-0.3.egg-info/PKG-INFO', 'Name: srconly\nVersion: 0.3\n');
write('srconly-0.3.egg-info/SOURCES.txt', 'setup.py\nsrc/srconly/__init__.py\ntests/test_a.py\n');
write('srconly-0.3.egg-info/top_level.txt', 'srconly\n');
write('python_dateutil-2.9.0.egg-info', 'Metadata-Version: 1.1\nName: python-dateutil\nVersion: 2.9.0\n');
write('bare/_version.py', "version = '4.5.6'\n");
write('bare/mod.py', '');
write('noversion/mod.py', '');

describe('parseMetadataHeaders', () => {
  it('reads the first Name and Version of the header block only', () => {
    expect(parseMetadataHeaders('Name: a-b\nVersion: 1.0 \nSummary: x\n\nVersion: 9\n')).toEqual({ name: 'a-b', version: '1.0' });
    expect(parseMetadataHeaders('')).toEqual({});
  });
});

describe('parseRecord', () => {
  it('takes the path column, unquoting quoted paths', () => {
    expect(parseRecord('a/b.py,sha256=x,1\n"a/c,d.py",sha256=y,2\n"e""f.py",,\n\n')).toEqual(['a/b.py', 'a/c,d.py', 'e"f.py']);
  });
});

describe('readSitePackages', () => {
  it('reads dist-info and egg-info metadata, files relative to the folder', async () => {
    const dists = await readSitePackages(SP);
    const byName = new Map(dists.map(d => [d.name, d]));
    expect([...byName.keys()].sort()).toEqual(['OldPkg', 'python-dateutil', 'scikit-image', 'srconly']);
    expect(byName.get('scikit-image')).toMatchObject({ version: '0.24.0', location: SP, metadataDir: 'scikit_image-0.24.0.dist-info' });
    expect(byName.get('scikit-image')!.files).toContain('skimage/odd,name.py');
    expect(byName.get('OldPkg')!.files).toEqual(['oldpkg/__init__.py', 'oldpkg/core.py', '../../../bin/oldtool']);
    expect(byName.get('srconly')!.files).toEqual(['srconly/__init__.py']);
    // No file list at all: the import name is guessed from the distribution name.
    expect(byName.get('python-dateutil')!.topLevel).toEqual(['python_dateutil']);
  });

  it('returns nothing for a folder that does not exist', async () => {
    expect(await readSitePackages(join(root, 'nope/site-packages'))).toEqual([]);
  });

  it('reads a folder again only when it changed', async () => {
    const first = await readSitePackages(SP);
    expect(await readSitePackages(SP)).toBe(first);
  });
});

describe('versionFromSource', () => {
  it('finds a version assignment in version.py, _version.py or __version__ in __init__.py', async () => {
    expect(await versionFromSource(join(SP, 'bare'))).toBe('4.5.6');
    write('dunder/__init__.py', '"""doc"""\n__version__ = "0.9"\n');
    expect(await versionFromSource(join(SP, 'dunder'))).toBe('0.9');
    expect(await versionFromSource(join(SP, 'noversion'))).toBeUndefined();
  });
});

describe('pythonDistributionsFor', () => {
  it('gives every file of the run its distribution, bare versioned packages included', async () => {
    const paths = [
      join(SP, 'skimage/__init__.py'),
      join(SP, 'oldpkg/core.py'),
      join(SP, 'bare/mod.py'),
      join(SP, 'noversion/mod.py'),
      join(root, 'venv/bin/oldtool')
    ];
    const index = new PythonDistIndex(await pythonDistributionsFor(paths));
    expect(paths.map(p => index.ownerOf(p)?.name)).toEqual(['scikit-image', 'OldPkg', 'bare', undefined, 'OldPkg']);
    expect(index.ownerOf(join(SP, 'bare/mod.py'))).toEqual({ name: 'bare', version: '4.5.6', location: SP });
  });
});
