/**
 * Execution differences in words: every first difference as lines (for `retrace diff`
 * and the badge dialog), or the one that matters most as a verdict's reason. One
 * wording for all, so the dialog and the command say the same thing.
 */
import { describeEventDifference, type Step } from './events';
import type { ExecutionDifferences, FileChange } from './execution-diff';

/** How the two sides are called: `{ a: 'the audit', b: 'the repeat' }`, or the notebooks' names. */
export interface SideNames {
  a: string;
  b: string;
}

/** What a verdict keeps of the first difference (the metadata's `first_difference`). */
export interface FirstDifference {
  line: string;
  difference: { kind: 'file' | 'event' | 'earlier-cell' | 'lineage'; audit?: string; repeat?: string };
}

const MAX_PER_KIND = 10;

function capped(lines: string[]): string[] {
  return lines.length <= MAX_PER_KIND ? lines : [...lines.slice(0, MAX_PER_KIND), `… and ${lines.length - MAX_PER_KIND} more`];
}

const stepText = (s: Step) => (s.args ? `${s.syscall} ${s.args}` : s.syscall);

function fileLines(verb: 'reads' | 'writes', changes: FileChange[], names: SideNames): string[] {
  return capped(
    changes.map(c => {
      if (c.a !== undefined && c.b !== undefined) return `${verb} ${c.path} with different content: ${c.a} in ${names.a}, ${c.b} in ${names.b}`;
      return c.a !== undefined ? `only ${names.a} ${verb} ${c.path} (${c.a})` : `only ${names.b} ${verb} ${c.path} (${c.b})`;
    })
  );
}

/** Every difference found, first ones first: files read, files written, programs, the earlier cell, the first event, then outputs. */
export function describeDifferences(d: ExecutionDifferences, names: SideNames): string[] {
  const lines = [
    ...fileLines('reads', d.reads, names),
    ...fileLines('writes', d.writes, names),
    ...capped(d.programs.onlyA.map(p => `only ${names.a} runs ${p}`)),
    ...capped(d.programs.onlyB.map(p => `only ${names.b} runs ${p}`))
  ];
  if (d.earlierCell) lines.push(`an earlier cell differs: the lineage carried in is ${d.earlierCell.a} in ${names.a}, ${d.earlierCell.b} in ${names.b}`);
  if (d.event) {
    const e = d.event;
    const where = e.index === undefined ? e.process : `${e.process}, event ${e.index}`;
    const side = (s: Step | undefined, name: string) => (s ? `${stepText(s)} in ${name}` : `nothing in ${name}`);
    lines.push(`first differing event: ${where}: ${side(e.a, names.a)}; ${side(e.b, names.b)}`);
  }
  lines.push(...d.notCompared.map(n => `not compared: ${n}`));
  lines.push(...d.outputs.differences);
  return lines;
}

/** The difference a verdict names (FLINC's first difference): a file read, then the earlier cell, then an event. */
export function firstDifference(
  d: ExecutionDifferences,
  lineages: { a?: string; b?: string },
  names: SideNames = { a: 'the audit', b: 'the repeat' }
): FirstDifference {
  const read = d.reads[0];
  if (read) {
    if (read.b === undefined) return { line: `no longer reads ${read.path}`, difference: { kind: 'file', audit: read.path } };
    if (read.a === undefined) return { line: `reads ${read.path}, which ${names.a} did not`, difference: { kind: 'file', repeat: read.path } };
    return {
      line: `reads ${read.path} with different content`,
      difference: { kind: 'file', audit: `${read.path} ${read.a}`, repeat: `${read.path} ${read.b}` }
    };
  }
  if (d.earlierCell) {
    return {
      line: 'an earlier cell diverged or changed (lineage carries over from cell to cell)',
      difference: { kind: 'earlier-cell', audit: d.earlierCell.a, repeat: d.earlierCell.b }
    };
  }
  if (d.event) {
    const { a, b } = d.event;
    return { line: describeEventDifference(d.event), difference: { kind: 'event', ...(a ? { audit: a.text } : {}), ...(b ? { repeat: b.text } : {}) } };
  }
  const why = d.notCompared.some(n => n.startsWith('events')) ? 'its events are not in the container to say where' : 'not in its files read or its events';
  return {
    line: `the lineage differs (${why})`,
    difference: { kind: 'lineage', ...(lineages.a ? { audit: lineages.a } : {}), ...(lineages.b ? { repeat: lineages.b } : {}) }
  };
}
