/**
 * Why two executions of one cell differ: the one comparison behind `retrace diff`,
 * a repeat's `diverged` verdict and the badge dialog. Each side gives what it has:
 * the cell's metadata (files read and written with hashes, programs) and, when its
 * record is at hand, the abstracted events and the lineage carried in from the cell
 * before. What one side lacks is said in `notCompared`, never guessed.
 * Pure: every input is plain data.
 */
import type { FileRecord } from '../contract/metadata';
import type { Output } from '../contract/output';
import type { CellLineageEvents } from '../contract/records';
import { firstEventDifference, type EventDifference } from './events';
import { compareOutputs, type HashImage } from './outputs';
import type { OutputComparison } from '../contract/verdict';

/** One execution of a cell, as much as is known of it. */
export interface Execution {
  /** H(source that ran). */
  codeHash: string;
  lineage?: string;
  /** From the record: the lineage the cell started from. */
  previousLineage?: string;
  reads?: FileRecord[];
  writes?: FileRecord[];
  programs?: string[];
  /** From the record: what lineage was computed from. */
  events?: CellLineageEvents;
  outputs: Output[];
}

/** A file the two sides saw differently. `a`/`b`: its hash (or why none) on that side; absent: that side did not touch it. */
export interface FileChange {
  path: string;
  a?: string;
  b?: string;
}

export interface ExecutionDifferences {
  /** In the first side's order, then the second side's extras. */
  reads: FileChange[];
  writes: FileChange[];
  programs: { onlyA: string[]; onlyB: string[] };
  /** The lineage each started from, when they differ (an earlier cell differs). */
  earlierCell?: { a: string; b: string };
  event?: EventDifference;
  /** What could not be compared, and why. */
  notCompared: string[];
  outputs: OutputComparison;
}

const hashOf = (f: FileRecord) => f.sha256 ?? (f.note ? `none (${f.note})` : 'none');

function compareFiles(a: FileRecord[], b: FileRecord[]): FileChange[] {
  const inB = new Map(b.map(f => [f.path, f]));
  const changes: FileChange[] = [];
  for (const f of a) {
    const other = inB.get(f.path);
    if (!other) changes.push({ path: f.path, a: hashOf(f) });
    else if (hashOf(f) !== hashOf(other)) changes.push({ path: f.path, a: hashOf(f), b: hashOf(other) });
  }
  const inA = new Set(a.map(f => f.path));
  for (const f of b) if (!inA.has(f.path)) changes.push({ path: f.path, b: hashOf(f) });
  return changes;
}

function onlyIn(x: string[], y: string[]): string[] {
  const other = new Set(y);
  return x.filter(p => !other.has(p));
}

export function diffExecutions(a: Execution, b: Execution, hashImage: HashImage, names = { a: 'A', b: 'B' }): ExecutionDifferences {
  const notCompared: string[] = [];
  const both = <T>(x: T | undefined, y: T | undefined, what: string): [T, T] | undefined => {
    if (x !== undefined && y !== undefined) return [x, y];
    const missing = [x === undefined ? names.a : '', y === undefined ? names.b : ''].filter(Boolean).join(' and ');
    notCompared.push(`${what}: not known for ${missing}`);
    return undefined;
  };
  const reads = both(a.reads, b.reads, 'files read');
  const writes = both(a.writes, b.writes, 'files written');
  const programs = both(a.programs, b.programs, 'programs run');
  const previous = both(a.previousLineage, b.previousLineage, 'lineage carried in from the cell before (its record is not at hand)');
  const events = both(a.events, b.events, 'events (the cell record is not at hand)');
  return {
    reads: reads ? compareFiles(...reads) : [],
    writes: writes ? compareFiles(...writes) : [],
    programs: programs ? { onlyA: onlyIn(programs[0], programs[1]), onlyB: onlyIn(programs[1], programs[0]) } : { onlyA: [], onlyB: [] },
    ...(previous && previous[0] !== previous[1] ? { earlierCell: { a: previous[0], b: previous[1] } } : {}),
    ...(events ? withDefined('event', firstEventDifference(...events)) : {}),
    notCompared,
    outputs: compareOutputs(a.outputs, b.outputs, hashImage)
  };
}

function withDefined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Nothing in lineage's reach differs (outputs aside): what is left to blame is not in the records. */
export function lineageInputsAgree(d: ExecutionDifferences): boolean {
  return !d.reads.length && !d.earlierCell && !d.event;
}
