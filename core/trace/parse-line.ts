/**
 * One line of an `strace -f -ttt -y` log to a typed record. Never throws: a line it
 * cannot read becomes `unknown` with its text kept, so a damaged log loses nothing.
 */
import { ArgValue, FdTarget, classifyFdTarget, findAnnotationEnd, parseArgs, parseValue, scanToDelimiter } from './args';
import { decodeCString } from './c-string';

export interface SyscallResult {
  /** The return value; null when strace printed `?` (the call did not return, e.g. exit). */
  value: number | null;
  /** What `-y` said the returned fd is (`= 3</etc/hostname>`). */
  fd?: FdTarget;
  /** `ENOENT` in `= -1 ENOENT (No such file or directory)`. */
  errno?: string;
  errnoMessage?: string;
  /** Any other trailing text, e.g. `Timeout` in `= 0 (Timeout)` or `<unavailable>`. */
  note?: string;
  /** The text after `= `, as printed. */
  raw: string;
}

interface LineBase {
  pid: number;
  /** Seconds since the epoch (-ttt). */
  time: number;
}
export interface SyscallLine extends LineBase {
  type: 'syscall';
  name: string;
  argsRaw: string;
  args: ArgValue[];
  result: SyscallResult;
}
export interface UnfinishedLine extends LineBase {
  type: 'unfinished';
  name: string;
  /** The arguments printed so far, to be joined with the resumed rest. */
  argsRaw: string;
  /** `<pid changed to N ...>`: a thread's execve that finishes as pid N (the leader). */
  continuesAs?: number;
}
export interface ResumedLine extends LineBase {
  type: 'resumed';
  name: string;
  /** The arguments after the resume point, without the closing `)`. */
  restRaw: string;
  result: SyscallResult | null;
}
export interface SignalLine extends LineBase {
  type: 'signal';
  signal: string;
  /** The siginfo struct (`{si_signo=SIGCHLD, si_code=CLD_EXITED, ...}`). */
  info?: ArgValue;
  /** `--- stopped by SIGSTOP ---`. */
  stopped?: boolean;
}
export interface ExitLine extends LineBase {
  type: 'exit';
  code: number;
}
export interface KilledLine extends LineBase {
  type: 'killed';
  signal: string;
  coreDumped: boolean;
}
/** `+++ superseded by execve in pid N +++`: thread N exec'd and took over this pid. */
export interface SupersededLine extends LineBase {
  type: 'superseded';
  formerPid: number;
}
export interface UnknownLine {
  type: 'unknown';
  text: string;
  pid?: number;
  time?: number;
}
export type TraceLine = SyscallLine | UnfinishedLine | ResumedLine | SignalLine | ExitLine | KilledLine | SupersededLine | UnknownLine;

const PREFIX = /^(\d+) +(\d+(?:\.\d+)?) (.*)$/s;
const UNFINISHED = ' <unfinished ...>';
const PID_CHANGED = /^(.*) <pid changed to (\d+) \.\.\.>$/s;
const RESUMED = /^<\.\.\. ([A-Za-z0-9_]+) resumed>(.*)$/s;
const SYSCALL_START = /^([A-Za-z0-9_?]+)\(/;
const ERRNO = /^([A-Z][A-Z0-9_]*) \((.*)\)$/s;

/** Parse the text after `= ` in a syscall line. */
export function parseResult(raw: string): SyscallResult {
  const text = raw.trim();
  const m = /^(\?|-?\d+|0x[0-9a-fA-F]+)/.exec(text);
  if (!m) return { value: null, note: text, raw: text };
  const result: SyscallResult = { value: m[1] === '?' ? null : numberFromText(m[1]), raw: text };
  let rest = text.slice(m[0].length);
  if (rest.startsWith('<') && result.value !== null) {
    // The result ends the line, so a final `>` closes the annotation even if the
    // path itself holds a `>` that strace did not escape.
    const close = rest.endsWith('>') ? rest.length - 1 : findAnnotationEnd(rest, 0);
    if (close > 0) {
      result.fd = classifyFdTarget(decodeCString(rest.slice(1, close)));
      rest = rest.slice(close + 1);
    }
  }
  rest = rest.trim();
  if (rest) {
    const errno = ERRNO.exec(rest);
    if (errno && (result.value === null || result.value < 0)) {
      result.errno = errno[1];
      result.errnoMessage = errno[2];
    } else {
      result.note = rest.startsWith('(') && rest.endsWith(')') ? rest.slice(1, -1) : rest;
    }
  }
  return result;
}

function numberFromText(text: string): number {
  return text.startsWith('-') ? -Number(text.slice(1)) : Number(text);
}

/**
 * Parse `ARGS) = RESULT` (everything after `NAME(`). Returns null when there is
 * no ` = ` after the closing parenthesis.
 */
export function parseCallBody(name: string, body: string, at: LineBase): SyscallLine | null {
  const { args, end } = parseArgs(body);
  // The parser stops at the `)` closing the call; re-scan raw if it stopped early.
  const close = body[end] === ')' ? end : scanToDelimiter(body, end, false);
  if (body[close] !== ')') return null;
  const tail = body.slice(close + 1).trimStart();
  if (!tail.startsWith('=')) return null;
  return {
    type: 'syscall',
    pid: at.pid,
    time: at.time,
    name,
    argsRaw: body.slice(0, close),
    args,
    result: parseResult(tail.slice(1))
  };
}

function parseMarkerLine(body: string, at: LineBase): TraceLine | null {
  if (body.startsWith('+++ ') && body.endsWith(' +++')) {
    const inner = body.slice(4, -4);
    let m = /^exited with (-?\d+)$/.exec(inner);
    if (m) return { type: 'exit', ...at, code: Number(m[1]) };
    m = /^killed by ([A-Z0-9+-]+)( \(core dumped\))?$/.exec(inner);
    if (m) return { type: 'killed', ...at, signal: m[1], coreDumped: Boolean(m[2]) };
    m = /^superseded by execve in pid (\d+)$/.exec(inner);
    if (m) return { type: 'superseded', ...at, formerPid: Number(m[1]) };
    return null;
  }
  if (body.startsWith('--- ') && body.endsWith(' ---')) {
    const inner = body.slice(4, -4);
    const stopped = /^stopped by ([A-Z0-9+-]+)$/.exec(inner);
    if (stopped) return { type: 'signal', ...at, signal: stopped[1], stopped: true };
    const m = /^([A-Z][A-Z0-9+-]*)(?: (.*))?$/s.exec(inner);
    if (!m) return null;
    const line: SignalLine = { type: 'signal', ...at, signal: m[1] };
    if (m[2]) line.info = parseValue(m[2]);
    return line;
  }
  return null;
}

/** Parse one line of the log (without its newline). */
export function parseLine(text: string): TraceLine {
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  const prefix = PREFIX.exec(line);
  if (!prefix) return { type: 'unknown', text: line };
  const at: LineBase = { pid: Number(prefix[1]), time: Number(prefix[2]) };
  const body = prefix[3];
  const unknown: UnknownLine = { type: 'unknown', text: line, pid: at.pid, time: at.time };

  const resumed = RESUMED.exec(body);
  if (resumed) {
    // `<... read resumed> <unfinished ...>) = ?`: interrupted again, the result says so.
    const rest = resumed[2].replace(' <unfinished ...>)', ')');
    const close = scanToDelimiter(rest, 0, false);
    if (rest[close] !== ')') return { type: 'resumed', ...at, name: resumed[1], restRaw: rest, result: null };
    const tail = rest.slice(close + 1).trimStart();
    return {
      type: 'resumed',
      ...at,
      name: resumed[1],
      restRaw: rest.slice(0, close),
      result: tail.startsWith('=') ? parseResult(tail.slice(1)) : null
    };
  }

  const marker = parseMarkerLine(body, at);
  if (marker) return marker;

  const start = SYSCALL_START.exec(body);
  if (!start) return unknown;
  const name = start[1];
  const afterParen = body.slice(start[0].length);
  if (afterParen.endsWith(UNFINISHED)) {
    return { type: 'unfinished', ...at, name, argsRaw: afterParen.slice(0, -UNFINISHED.length) };
  }
  const changed = afterParen.endsWith(' ...>') ? PID_CHANGED.exec(afterParen) : null;
  if (changed) {
    return { type: 'unfinished', ...at, name, argsRaw: changed[1], continuesAs: Number(changed[2]) };
  }
  return parseCallBody(name, afterParen, at) ?? unknown;
}
