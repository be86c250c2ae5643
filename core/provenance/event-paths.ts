/**
 * Paths of trace events as provenance sees them, and strings that do not pin the
 * log chunk they were parsed from.
 */
import type { OpenEvent, TraceEvent } from '../trace/event-types';
import { sourceOfBytecode } from './path-rules';

/**
 * A copy of `s` that does not pin the text it was cut from. Parsed strings are slices
 * (or concatenations of slices) of the 1 MiB chunks the log is read in; keeping one
 * would keep its whole chunk alive. Slicing a concatenation makes V8 flatten it into
 * fresh memory of the string's own size.
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}

/** The file an open reached: strace's resolved `-y` path when it has one. */
export function openedPath(e: OpenEvent): string {
  return e.realPath ?? e.path;
}

/** Whether an open reads the file's content (a file created afresh or truncated is not read for what it held). */
function readsContent(e: OpenEvent): boolean {
  return e.ok && !e.pathOnly && e.access !== 'write' && !e.truncate && !(e.create && e.exclusive);
}

/**
 * The file whose content a successful read-open reads, or undefined for any other
 * event: the opened path, with cached bytecode standing for its module's source.
 */
export function readPathOf(e: TraceEvent): string | undefined {
  if (e.kind !== 'open' || !readsContent(e)) return undefined;
  const opened = openedPath(e);
  return sourceOfBytecode(opened) ?? opened;
}

/**
 * Like {@link readPathOf}, but the path as the program named it, symlinks not
 * resolved: a container must hold `/lib -> usr/lib` too, or the program's own
 * lookup fails where the links are missing.
 */
export function namedReadPathOf(e: TraceEvent): string | undefined {
  if (e.kind !== 'open' || !readsContent(e)) return undefined;
  const named = e.path.startsWith('/') && !e.unresolved ? e.path : openedPath(e);
  return sourceOfBytecode(named) ?? named;
}
