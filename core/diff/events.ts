/**
 * The first abstracted event that differs between two executions of a cell, found the
 * way lineage compares them (core/provenance/cell-provenance.ts): the kernel's
 * main thread as one ordered sequence, the processes the cell started as a sorted
 * list of sequences (one per process), the pool of workers as one set.
 */
import type { CellLineageEvents } from '../contract/records';

/** A lineage step as recorded (`open:r:data/x.csv`), split into its syscall and arguments. */
export interface Step {
  text: string;
  syscall: string;
  args: string;
}

export interface EventDifference {
  /** `kernel`, `child process 2` (in the sorted order lineage uses), or `workers`. */
  process: string;
  /** 1-based position in that process's sequence (workers: none, their events are a set). */
  index?: number;
  a?: Step;
  b?: Step;
}

export function parseStep(text: string): Step {
  const colon = text.indexOf(':');
  return colon < 0 ? { text, syscall: text, args: '' } : { text, syscall: text.slice(0, colon), args: text.slice(colon + 1) };
}

function firstInSequence(process: string, a: string[], b: string[]): EventDifference | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return { process, index: i + 1, ...(a[i] !== undefined ? { a: parseStep(a[i]) } : {}), ...(b[i] !== undefined ? { b: parseStep(b[i]) } : {}) };
    }
  }
  return undefined;
}

const sameSequence = (a: string[] | undefined, b: string[] | undefined) => !!a && !!b && a.length === b.length && a.every((s, i) => s === b[i]);

export function firstEventDifference(a: CellLineageEvents, b: CellLineageEvents): EventDifference | undefined {
  const kernel = firstInSequence('kernel', a.main, b.main);
  if (kernel) return kernel;
  // Children are sorted the same way on both sides: the first unequal pair is the first differing process.
  for (let k = 0; k < Math.max(a.children.length, b.children.length); k++) {
    if (!sameSequence(a.children[k], b.children[k])) return firstInSequence(`child process ${k + 1}`, a.children[k] ?? [], b.children[k] ?? []);
  }
  const inB = new Set(b.pool);
  const onlyA = a.pool.find(s => !inB.has(s));
  if (onlyA !== undefined) return { process: 'workers', a: parseStep(onlyA) };
  const inA = new Set(a.pool);
  const onlyB = b.pool.find(s => !inA.has(s));
  if (onlyB !== undefined) return { process: 'workers', b: parseStep(onlyB) };
  return undefined;
}

/** One line: `kernel event 2: does more: exec:/bin/date []`. */
export function describeEventDifference(d: EventDifference): string {
  const where = d.index === undefined ? d.process : `${d.process} event ${d.index}`;
  if (!d.a) return `${where}: does more: ${d.b!.text}`;
  if (!d.b) return `${where}: stops short of ${d.a.text}`;
  return `${where}: ${d.a.text} became ${d.b.text}`;
}
