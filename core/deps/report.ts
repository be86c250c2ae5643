/**
 * The dependency report: what software and data an audited run used, per cell and in
 * total, named the way a person would install it again (Python distributions, Debian
 * packages) rather than as thousands of paths. Pure: the owners, versions and sizes
 * come as lookups (server/deps/build.ts does the I/O), so the rules are unit-tested.
 * The report's JSON shape: core/contract/dependencies.ts.
 */
import type { CellUsage, SessionUsage, SoftwareUse } from '../container/usage';
import type { FileRecord } from '../contract/metadata';
import type { CellRef, DataEntry, DependencyReport, PythonEntry, PythonOwner, PythonUse, Section, SystemEntry } from '../contract/dependencies';
import { isSitePackagesFolder, pythonUseOf } from './python-use';

/** What the builder needs to know about the machine; every answer may be "don't know". */
export interface DependencyLookups {
  /** The Python distribution (or standard library) owning a file. */
  pythonOwner(path: string): PythonOwner | undefined;
  /** The Debian package owning a file (without `:arch`). */
  debianOwner(path: string): string | undefined;
  debianVersion(pkg: string): string | undefined;
  /** `dpkg`, or null when this machine has no package database. */
  packageDatabase: string | null;
  /** Size in bytes of a data file whose record has none. */
  sizeOf?(path: string): number | undefined;
  /** Listing a folder is not depending on a file: folders are left out. */
  isDirectory?(path: string): boolean;
  /** The distributions installed in a site-packages folder (a run that listed it saw them all). */
  pythonDistributionsIn?(folder: string): PythonOwner[];
}

export interface ReportOptions {
  notebook: string;
  /** How many unowned files to name per section. */
  maxUnownedExamples?: number;
}

export const DEFAULT_UNOWNED_EXAMPLES = 20;

/**
 * Paths that are never dependencies, whatever the capture let through: kernel
 * interfaces, caches, and the machine's own configuration that every program reads
 * (name service, time zone, the loader's cache). Kept small on purpose.
 */
const NOISE_PREFIXES = ['/proc/', '/dev/', '/sys/', '/run/', '/var/cache/'];
const NOISE_SEGMENTS = [
  '/__pycache__/',
  '/.cache/', // ~/.cache and XDG caches: pip, matplotlib, fontconfig
  '/.matplotlib/',
  '/.config/matplotlib/',
  '/fontconfig/cache/'
];
/** matplotlib's font list cache (`fontlist-v390.json`), wherever MPLCONFIGDIR points. */
const NOISE_BASENAME = /^fontlist-v\d+\.json$|\.pyc$|\.cache-\d+$/;
const NOISE_EXACT = new Set([
  '/proc',
  '/dev',
  '/sys',
  '/etc/ld.so.cache',
  '/etc/ld.so.preload',
  '/etc/localtime',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/gai.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/mime.types'
]);

export function isDependencyNoise(path: string): boolean {
  if (NOISE_EXACT.has(path) || NOISE_PREFIXES.some(p => path.startsWith(p))) return true;
  if (NOISE_SEGMENTS.some(s => path.includes(s))) return true;
  return NOISE_BASENAME.test(path.slice(path.lastIndexOf('/') + 1));
}

const pythonKey = (o: PythonOwner) => `${o.name}\0${o.version}\0${o.location}`;
const useKey = (o: PythonOwner, use: PythonUse) => `${use}\0${pythonKey(o)}`;

/** Folders a stretch of the run listed, when its usage records them (`listed`, as cell records name them). */
export const listedOf = (use: SoftwareUse): string[] => (use as SoftwareUse & { listed?: string[] }).listed ?? [];

/** Every folder the run listed, once. */
export const allListed = (usage: SessionUsage): string[] => [...new Set([usage.startup, ...usage.cells].flatMap(listedOf))].sort();

interface DistributionUse {
  owner: PythonOwner;
  /** Its files read (metadata included). */
  files: number;
  use: PythonUse;
}

/** How a stretch of the run used each Python distribution: files read per distribution, and whether it imported it. */
function pythonUses(paths: Iterable<string>, listed: readonly string[], lookups: DependencyLookups): Map<string, DistributionUse> {
  const uses = new Map<string, DistributionUse>();
  for (const path of paths) {
    const owner = lookups.pythonOwner(path);
    if (!owner) continue;
    const key = pythonKey(owner);
    const entry: DistributionUse = uses.get(key) ?? { owner, files: 0, use: 'present' };
    entry.files++;
    if (pythonUseOf(path) === 'imported') entry.use = 'imported';
    uses.set(key, entry);
  }
  // Listing site-packages (the import system does, so does importlib.metadata) sees every distribution in it.
  for (const folder of listed) {
    if (!isSitePackagesFolder(folder)) continue;
    for (const owner of lookups.pythonDistributionsIn?.(folder) ?? []) {
      if (!uses.has(pythonKey(owner))) uses.set(pythonKey(owner), { owner, files: 0, use: 'present' });
    }
  }
  return uses;
}

/** Where each python distribution was first imported, and first present: start-up (null) or a cell. */
function firstUses(usage: SessionUsage, software: (paths: string[]) => string[], lookups: DependencyLookups): Map<string, CellRef | null> {
  const first = new Map<string, CellRef | null>();
  const note = (use: SoftwareUse, where: CellRef | null) => {
    for (const { owner, use: how } of pythonUses(software([...use.software, ...use.programs]), listedOf(use), lookups).values()) {
      // Importing it is also having it present: a later cell that only sees it was not the first.
      for (const kind of how === 'imported' ? (['imported', 'present'] as const) : (['present'] as const)) {
        if (!first.has(useKey(owner, kind))) first.set(useKey(owner, kind), where);
      }
    }
  };
  note(usage.startup, null);
  for (const cell of usage.cells) note(cell, { seq: cell.seq, cell_id: cell.cellId });
  return first;
}

function dataEntry(record: FileRecord, absolute: string | undefined, lookups: DependencyLookups): DataEntry {
  const size = record.size ?? (absolute ? lookups.sizeOf?.(absolute) : undefined);
  return { path: record.path, size: size ?? null, sha256: record.sha256 ?? null };
}

interface DataUse {
  record: FileRecord;
  absolute?: string;
}

const dataOf = (records: FileRecord[], paths: string[]): DataUse[] => records.map((record, i) => ({ record, absolute: paths[i] }));

/** Once per path: the first use, or (for writes) the content of the last at the place of the first. */
function dedupe(uses: DataUse[], keep: 'first' | 'last'): DataUse[] {
  const byPath = new Map<string, DataUse>();
  for (const use of uses) if (keep === 'last' || !byPath.has(use.record.path)) byPath.set(use.record.path, use);
  return [...byPath.values()];
}

interface SectionInput {
  software: string[];
  programs: string[];
  listed: string[];
  reads: DataUse[];
  writes: DataUse[];
}

export function buildReport(usage: SessionUsage, lookups: DependencyLookups, options: ReportOptions): DependencyReport {
  const maxExamples = options.maxUnownedExamples ?? DEFAULT_UNOWNED_EXAMPLES;
  const software = (paths: string[]) => paths.filter(p => !isDependencyNoise(p) && !lookups.isDirectory?.(p));
  const firstCell = firstUses(usage, software, lookups);

  const section = (input: SectionInput): Section => {
    const system = new Map<string, SystemEntry>();
    const unowned: string[] = [];
    // A program run is software too (the capture lists it in both; a container's provenance may not).
    const paths = new Set(software([...input.software, ...input.programs]));
    const python: PythonEntry[] = [...pythonUses(paths, input.listed, lookups).values()].map(({ owner, files, use }) => ({
      ...owner,
      files,
      use,
      first_cell: firstCell.get(useKey(owner, use)) ?? null
    }));
    for (const path of paths) {
      if (lookups.pythonOwner(path)) continue;
      const pkg = lookups.debianOwner(path);
      if (pkg) {
        const entry = system.get(pkg) ?? { name: pkg, version: lookups.debianVersion(pkg) ?? null, files: 0 };
        entry.files++;
        system.set(pkg, entry);
        continue;
      }
      unowned.push(path);
    }
    unowned.sort();
    const programs = [...new Set(input.programs)].map(path => {
      const pkg = lookups.debianOwner(path);
      return pkg ? { path, package: pkg } : { path };
    });
    return {
      python: python.sort(
        (a, b) => useOrder(a) - useOrder(b) || byName(a.name, b.name) || a.location.localeCompare(b.location) || a.version.localeCompare(b.version)
      ),
      system: [...system.values()].sort((a, b) => byName(a.name, b.name)),
      unowned: { count: unowned.length, examples: unowned.slice(0, maxExamples) },
      programs,
      data: {
        read: input.reads.map(u => dataEntry(u.record, u.absolute, lookups)),
        written: input.writes.map(u => dataEntry(u.record, u.absolute, lookups))
      }
    };
  };

  const cellInput = (cell: CellUsage): SectionInput => ({
    software: cell.software,
    programs: cell.programs,
    listed: listedOf(cell),
    reads: dataOf(cell.reads, cell.readPaths),
    writes: dataOf(cell.writes, cell.writePaths)
  });
  const inputs = usage.cells.map(cellInput);

  return {
    notebook: options.notebook,
    session: usage.session,
    package_database: lookups.packageDatabase,
    total: section({
      software: [usage.startup.software, ...inputs.map(i => i.software)].flat(),
      programs: [usage.startup.programs, ...inputs.map(i => i.programs)].flat(),
      listed: allListed(usage),
      reads: dedupe(
        inputs.flatMap(i => i.reads),
        'first'
      ),
      writes: dedupe(
        inputs.flatMap(i => i.writes),
        'last'
      )
    }),
    cells: usage.cells.map((cell, i) => ({
      seq: cell.seq,
      cell_id: cell.cellId,
      execution_count: cell.executionCount,
      ...section(inputs[i])
    }))
  };
}

/** Imported distributions first: those are what the notebook needs installed. */
const useOrder = (p: PythonEntry) => (p.use === 'present' ? 1 : 0);

function byName(a: string, b: string): number {
  return a.toLowerCase().localeCompare(b.toLowerCase()) || a.localeCompare(b);
}
