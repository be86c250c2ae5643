/** The dependency report as text for a terminal: totals first, then each cell, columns aligned. */
import type { CellRef, CellSection, DependencyReport, PythonEntry, Section } from '../contract/dependencies';
import { formatBytes } from '../format-bytes';

const INDENT = '  ';

/** Rows padded to their widest cell per column; columns in `right` are right-aligned; the last column is not padded. */
export function alignColumns(rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map(row =>
    row
      .map((cell, i) => {
        if (right.has(i)) return cell.padStart(widths[i]);
        return i === row.length - 1 ? cell : cell.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd()
  );
}

/** Enough of a hash to compare by eye. */
export const shortHash = (sha256: string | null): string => (sha256 ? sha256.replace(/^sha256:/, '').slice(0, 12) : '-');

const firstUse = (ref: CellRef | null): string => (ref ? `cell ${ref.seq}` : 'start-up');

/** One group: a heading with its count, then its rows (or "none" when `always` and empty). */
function group(heading: string, count: number, rows: string[], always: boolean, out: string[], note = ''): void {
  if (!count && !always) return;
  out.push(`${INDENT}${heading}: ${count || 'none'}${count && note ? ` (${note})` : ''}`);
  for (const row of rows) out.push(INDENT.repeat(2) + row);
}

/** Names as a paragraph, wrapped: what a cell merely saw is context, not a table to read. */
function wrapNames(names: string[], width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const name of names) {
    const next = line ? `${line}, ${name}` : name;
    if (line && next.length > width) {
      lines.push(line + ',');
      line = name;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** `total`: the whole run, where the distributions only present get a table of their own; a cell names them. */
function formatSection(section: Section, packageDatabase: string | null, always: boolean, total: boolean): string[] {
  const out: string[] = [];
  // Reports from earlier versions have no `use`: everything they list counted as used.
  const present = section.python.filter(p => p.use === 'present');
  const imported = section.python.filter(p => p.use !== 'present');
  const rows = (entries: PythonEntry[]) => entries.map(p => [p.name, p.version, String(p.files), firstUse(p.first_cell), p.location]);
  const table = (entries: PythonEntry[], first: string) =>
    entries.length ? alignColumns([['NAME', 'VERSION', 'FILES', first, 'LOCATION'], ...rows(entries)], new Set([2])) : [];
  group('Python distributions imported', imported.length, table(imported, 'FIRST USE'), always, out);
  const listing = total ? table(present, 'FIRST SEEN') : wrapNames(present.map(p => p.name));
  group(
    'Python distributions present, not imported',
    present.length,
    listing,
    false,
    out,
    'only their metadata was read, or they were in a folder the run listed'
  );

  if (packageDatabase === null) {
    if (always) out.push(`${INDENT}System packages: no package database on this machine (files outside Python are listed as unowned)`);
  } else {
    const system = section.system.map(s => [s.name, s.version ?? '?', String(s.files)]);
    group('System packages (Debian)', system.length, system.length ? alignColumns([['NAME', 'VERSION', 'FILES'], ...system], new Set([2])) : [], always, out);
  }

  const { count, examples } = section.unowned;
  const unowned = count > examples.length ? [...examples, `… and ${count - examples.length} more`] : examples;
  group('Files no package owns', count, unowned, always, out);

  const programs = alignColumns(section.programs.map(p => [p.path, p.package ?? '']));
  group('Programs executed', programs.length, programs, always, out);

  for (const [heading, entries] of [
    ['Data read', section.data.read],
    ['Outputs written', section.data.written]
  ] as const) {
    const rows = entries.map(d => [d.path, formatBytes(d.size), shortHash(d.sha256)]);
    group(heading, rows.length, rows.length ? alignColumns([['PATH', 'SIZE', 'SHA-256'], ...rows], new Set([1])) : [], always, out);
  }
  return out;
}

function cellHeading(cell: CellSection): string {
  const id = cell.cell_id ? `id ${cell.cell_id}, ` : '';
  return `Cell ${cell.seq} (${id}execution count ${cell.execution_count})`;
}

export function formatDependencyReport(report: DependencyReport): string {
  const lines = [`Dependencies of ${report.notebook} (audit session ${report.session})`, '', 'All cells and kernel start-up'];
  lines.push(...formatSection(report.total, report.package_database, true, true));
  for (const cell of report.cells) {
    const body = formatSection(cell, report.package_database, false, false);
    lines.push('', cellHeading(cell), ...(body.length ? body : [`${INDENT}nothing recorded`]));
  }
  return lines.join('\n') + '\n';
}
