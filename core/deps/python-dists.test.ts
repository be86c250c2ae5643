import { describe, expect, it } from 'vitest';
import {
  importNameOf,
  joinNormalized,
  mapPythonOwners,
  PythonDistIndex,
  sitePackagesOf,
  stdlibOwnerOf,
  STDLIB_NAME,
  type PythonDistribution
} from './python-dists';

const SP = '/v/lib/python3.11/site-packages';

const dist = (over: Partial<PythonDistribution> & Pick<PythonDistribution, 'name'>): PythonDistribution => ({
  version: '1.0',
  location: SP,
  files: [],
  topLevel: [],
  ...over
});

const sklearn = dist({
  name: 'scikit-learn',
  version: '1.5.0',
  files: ['sklearn/__init__.py', 'sklearn/base.py', 'scikit_learn-1.5.0.dist-info/METADATA'],
  topLevel: ['sklearn']
});
const dateutil = dist({ name: 'python-dateutil', version: '2.9.0', files: ['dateutil/parser/_parser.py'] });
const six = dist({ name: 'six', version: '1.16.0', files: ['six.py'] });
const jupyterCore = dist({ name: 'jupyter_core', version: '5.7.2', files: ['jupyter_core/__init__.py', '../../../bin/jupyter'] });

describe('sitePackagesOf', () => {
  it('cuts the path after site-packages or dist-packages', () => {
    expect(sitePackagesOf(`${SP}/numpy/core/x.py`)).toBe(SP);
    expect(sitePackagesOf('/usr/lib/python3/dist-packages/apt/__init__.py')).toBe('/usr/lib/python3/dist-packages');
    expect(sitePackagesOf(SP)).toBe(SP);
    expect(sitePackagesOf('/usr/lib/python3.11/os.py')).toBeUndefined();
    expect(sitePackagesOf('/data/my-site-packages-notes/a.txt')).toBeUndefined();
  });
});

describe('stdlibOwnerOf', () => {
  it('names the standard library with the version from the path and the prefix as location', () => {
    expect(stdlibOwnerOf('/usr/lib/python3.11/json/decoder.py')).toEqual({ name: STDLIB_NAME, version: '3.11', location: '/usr' });
    expect(stdlibOwnerOf('/root/.pyenv/versions/3.12.1/lib/python3.12/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so')).toEqual({
      name: STDLIB_NAME,
      version: '3.12',
      location: '/root/.pyenv/versions/3.12.1'
    });
  });

  it('leaves site-packages, Debian dist-packages and other files alone', () => {
    expect(stdlibOwnerOf(`${SP}/six.py`)).toBeUndefined();
    expect(stdlibOwnerOf('/usr/lib/python3/dist-packages/six.py')).toBeUndefined();
    expect(stdlibOwnerOf('/usr/bin/python3.11')).toBeUndefined();
  });
});

describe('importNameOf', () => {
  it('drops suffixes of modules and extension modules', () => {
    expect(importNameOf('six.py')).toBe('six');
    expect(importNameOf('_cffi_backend.cpython-311-x86_64-linux-gnu.so')).toBe('_cffi_backend');
    expect(importNameOf('numpy')).toBe('numpy');
  });
});

describe('PythonDistIndex', () => {
  const index = new PythonDistIndex([sklearn, dateutil, six, jupyterCore]);

  it('finds the owner by RECORD, giving the distribution name, not the import name', () => {
    expect(index.ownerOf(`${SP}/sklearn/base.py`)).toEqual({ name: 'scikit-learn', version: '1.5.0', location: SP });
    expect(index.ownerOf(`${SP}/dateutil/parser/_parser.py`)?.name).toBe('python-dateutil');
    expect(index.ownerOf(`${SP}/six.py`)?.name).toBe('six');
  });

  it('resolves RECORD entries outside the folder (console scripts)', () => {
    expect(index.ownerOf('/v/bin/jupyter')?.name).toBe('jupyter_core');
  });

  it('falls back to the top-level import name for files RECORD does not list', () => {
    expect(index.ownerOf(`${SP}/sklearn/generated_at_runtime.py`)?.name).toBe('scikit-learn');
    // No top_level.txt: derived from RECORD's first segments.
    expect(index.ownerOf(`${SP}/dateutil/zoneinfo/dateutil-zoneinfo.tar.gz`)?.name).toBe('python-dateutil');
  });

  it('owns its metadata folder', () => {
    const eggish = dist({ name: 'oldpkg', files: ['oldpkg/__init__.py'], metadataDir: 'oldpkg-0.1-py3.11.egg-info' });
    expect(new PythonDistIndex([eggish]).ownerOf(`${SP}/oldpkg-0.1-py3.11.egg-info/PKG-INFO`)?.name).toBe('oldpkg');
  });

  it('keeps a distribution installed in two folders apart', () => {
    const other = '/usr/lib/python3/dist-packages';
    const twice = new PythonDistIndex([six, dist({ name: 'six', version: '1.12.0', location: other, files: ['six.py'] })]);
    expect(twice.ownerOf(`${SP}/six.py`)).toEqual({ name: 'six', version: '1.16.0', location: SP });
    expect(twice.ownerOf(`${other}/six.py`)).toEqual({ name: 'six', version: '1.12.0', location: other });
  });

  it('does not match a name from another folder, and knows nothing of unclaimed files', () => {
    expect(index.ownerOf('/elsewhere/site-packages/sklearn/base.py')).toBeUndefined();
    expect(index.ownerOf(`${SP}/mystery/x.py`)).toBeUndefined();
    expect(index.ownerOf(`${SP}/distutils-precedence.pth`)).toBeUndefined();
    expect(index.ownerOf('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBeUndefined();
  });

  it('maps the standard library to its pseudo-distribution', () => {
    expect(index.ownerOf('/usr/lib/python3.11/os.py')?.name).toBe(STDLIB_NAME);
  });

  it('breaks ties between dists claiming one name the same way every time', () => {
    const a = dist({ name: 'zeta', topLevel: ['shared'] });
    const b = dist({ name: 'alpha', topLevel: ['shared'] });
    expect(new PythonDistIndex([a, b]).ownerOf(`${SP}/shared/x.py`)?.name).toBe('alpha');
    expect(new PythonDistIndex([b, a]).ownerOf(`${SP}/shared/x.py`)?.name).toBe('alpha');
  });
});

describe('mapPythonOwners', () => {
  it('returns owners only for owned paths', () => {
    const owners = mapPythonOwners([six], [`${SP}/six.py`, '/etc/hosts']);
    expect([...owners.keys()]).toEqual([`${SP}/six.py`]);
  });
});

describe('joinNormalized', () => {
  it('resolves . and .. segments', () => {
    expect(joinNormalized(SP, '../../../bin/jupyter')).toBe('/v/bin/jupyter');
    expect(joinNormalized(SP, './six.py')).toBe(`${SP}/six.py`);
    expect(joinNormalized('/', '../../x')).toBe('/x');
  });
});
