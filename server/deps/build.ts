/**
 * Builds the dependency report of an audited run on this machine: Python metadata
 * for files in site-packages, dpkg for the rest, file sizes for data records that
 * lack one. The rules themselves are in core/deps/report.ts.
 */
import { promises as fs } from 'node:fs';
import { allPrograms, allSoftware, type SessionUsage } from '../../core/container/usage';
import { PythonDistIndex } from '../../core/deps/python-dists';
import type { PythonOwner } from '../../core/contract/dependencies';
import { isSitePackagesFolder } from '../../core/deps/python-use';
import { allListed, buildReport, isDependencyNoise } from '../../core/deps/report';
import type { DependencyReport } from '../../core/contract/dependencies';
import { dpkgOwners, dpkgVersions, type DpkgOptions } from './dpkg';
import { pythonDistributionsFor } from './python-metadata';

export interface BuildDependencyOptions {
  /** The notebook's path as the report names it; the notebook's folder by default. */
  notebook?: string;
  /** How to run dpkg-query; false to not ask dpkg (every non-Python file is then unattributed). */
  dpkg?: DpkgOptions | false;
  maxUnownedExamples?: number;
}

/** Which of the paths are folders (opened to list them, not depended on as files). */
async function directoriesAmong(paths: string[]): Promise<Set<string>> {
  const kinds = await Promise.all(
    paths.map(p =>
      fs.stat(p).then(
        s => s.isDirectory(),
        () => false
      )
    )
  );
  return new Set(paths.filter((_, i) => kinds[i]));
}

/** Sizes of data files whose records have none (too large to hash, say). */
async function missingSizes(usage: SessionUsage): Promise<Map<string, number>> {
  const wanted = new Set<string>();
  for (const cell of usage.cells) {
    cell.reads.forEach((r, i) => r.size === undefined && cell.readPaths[i] && wanted.add(cell.readPaths[i]));
    cell.writes.forEach((w, i) => w.size === undefined && cell.writePaths[i] && wanted.add(cell.writePaths[i]));
  }
  const sizes = new Map<string, number>();
  await Promise.all(
    [...wanted].map(p =>
      fs.stat(p).then(
        s => s.isFile() && sizes.set(p, s.size),
        () => undefined
      )
    )
  );
  return sizes;
}

export async function buildDependencyReport(usage: SessionUsage, options: BuildDependencyOptions = {}): Promise<DependencyReport> {
  const paths = [...new Set([...allSoftware(usage), ...allPrograms(usage)])].filter(p => !isDependencyNoise(p));
  // A listed site-packages folder shows every distribution in it: read their metadata too.
  const listedSitePackages = allListed(usage).filter(isSitePackagesFolder);
  const [directories, dists, sizes] = await Promise.all([
    directoriesAmong(paths),
    pythonDistributionsFor([...paths, ...listedSitePackages]),
    missingSizes(usage)
  ]);
  const python = new PythonDistIndex(dists);
  const installedIn = new Map<string, PythonOwner[]>();
  for (const d of dists) {
    const here = installedIn.get(d.location) ?? [];
    here.push({ name: d.name, version: d.version, location: d.location });
    installedIn.set(d.location, here);
  }

  const forDpkg = paths.filter(p => !directories.has(p) && !python.ownerOf(p));
  const debian = options.dpkg === false ? { available: false, owners: new Map<string, string>() } : await dpkgOwners(forDpkg, options.dpkg);
  const versions = debian.available ? await dpkgVersions([...new Set(debian.owners.values())], options.dpkg || {}) : new Map<string, string>();

  return buildReport(
    usage,
    {
      pythonOwner: p => python.ownerOf(p),
      debianOwner: p => debian.owners.get(p),
      debianVersion: pkg => versions.get(pkg),
      packageDatabase: debian.available ? 'dpkg' : null,
      sizeOf: p => sizes.get(p),
      isDirectory: p => directories.has(p),
      pythonDistributionsIn: folder => installedIn.get(folder) ?? []
    },
    { notebook: options.notebook ?? usage.notebookDir, maxUnownedExamples: options.maxUnownedExamples }
  );
}
