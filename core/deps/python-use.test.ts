import { describe, expect, it } from 'vitest';
import { isPythonMetadataFile, isSitePackagesFolder, pythonUseOf } from './python-use';

const SP = '/v/lib/python3.11/site-packages';

describe('pythonUseOf', () => {
  it('counts metadata an entry-point scan or a version lookup opens as presence', () => {
    for (const p of [
      `${SP}/hatchling-1.33.0.dist-info/entry_points.txt`,
      `${SP}/pip-26.3.dist-info/METADATA`,
      `${SP}/jupyterlab-4.5.11.dist-info/RECORD`,
      `${SP}/setuptools-65.5.0.dist-info/top_level.txt`,
      `${SP}/pyyaml-5.1-py3.11.egg-info/PKG-INFO`,
      `${SP}/oldpkg-1.0.egg-info`,
      `${SP}/distutils-precedence.pth`,
      `${SP}/_editable_impl_jupyterlab_retrace.pth`,
      `${SP}/mypkg.egg-link`,
      '/usr/lib/python3/dist-packages/python_apt-2.6.0.dist-info/METADATA'
    ]) {
      expect(isPythonMetadataFile(p), p).toBe(true);
      expect(pythonUseOf(p), p).toBe('present');
    }
  });

  it('counts modules, extensions, package data and scripts as imports', () => {
    for (const p of [
      `${SP}/numpy/__init__.py`,
      `${SP}/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so`,
      `${SP}/numpy.libs/libscipy_openblas64_-ff651d7f.so`,
      `${SP}/six.py`,
      `${SP}/_cffi_backend.cpython-311-x86_64-linux-gnu.so`,
      `${SP}/_distutils_hack/__init__.py`,
      `${SP}/matplotlib/mpl-data/matplotlibrc`,
      // a package folder whose name merely contains the word
      `${SP}/dist_info_tools/__init__.py`,
      '/v/bin/jupyter',
      '/usr/lib/python3.11/os.py'
    ]) {
      expect(isPythonMetadataFile(p), p).toBe(false);
      expect(pythonUseOf(p), p).toBe('imported');
    }
  });
});

describe('isSitePackagesFolder', () => {
  it('is true for the folder itself only', () => {
    expect(isSitePackagesFolder(SP)).toBe(true);
    expect(isSitePackagesFolder(`${SP}/`)).toBe(true);
    expect(isSitePackagesFolder('/usr/lib/python3/dist-packages')).toBe(true);
    expect(isSitePackagesFolder(`${SP}/numpy`)).toBe(false);
    expect(isSitePackagesFolder('/v/lib/python3.11')).toBe(false);
  });
});
