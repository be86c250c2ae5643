/**
 * Parser for the argument lists strace prints: strings (C-escaped, maybe truncated),
 * `-y` fd annotations, arrays, structs, `name=value` fields, calls such as
 * `htons(80)`, and `before => after` updates. Anything it does not understand is
 * kept as an `atom` with its raw text, so one odd argument never loses the line.
 */
import { decodeCString } from './c-string';

/** What a `-y` annotation says an fd refers to. */
export type FdTarget =
  | { kind: 'path'; path: string; deleted?: boolean }
  /** `socket:[42867]` with -y; `TCP:[a:1->b:2]` or `UNIX:[1->2]` with -yy. */
  | { kind: 'socket'; protocol: string; detail: string; local?: string; remote?: string }
  | { kind: 'pipe'; detail: string }
  | { kind: 'anon'; detail: string }
  | { kind: 'other'; text: string };

interface ArgBase {
  /** Set for `name=value` items (struct fields, `flags=...` in clone). */
  name?: string;
}
export interface StringArg extends ArgBase {
  type: 'string';
  value: string;
  /** strace cut the string at `-s` bytes (printed `"..."...`). */
  truncated: boolean;
  /** A Linux abstract unix socket name, printed `@"..."`. */
  abstract?: boolean;
}
export interface FdArg extends ArgBase {
  type: 'fd';
  /** The descriptor; AT_FDCWD is -100 as in the kernel. */
  fd: number;
  target: FdTarget;
}
export interface ArrayArg extends ArgBase {
  type: 'array';
  items: ArgValue[];
  /** strace left elements out (a bare `...`). */
  truncated: boolean;
}
export interface StructArg extends ArgBase {
  type: 'struct';
  fields: ArgValue[];
  truncated: boolean;
}
export interface CallArg extends ArgBase {
  type: 'call';
  fn: string;
  args: ArgValue[];
}
export interface AtomArg extends ArgBase {
  type: 'atom';
  /** Numbers, flag sets (`O_RDONLY|O_CLOEXEC`), NULL, pointers, or unparsed text. */
  text: string;
}
export interface UpdateArg extends ArgBase {
  /** An in/out argument: `[128 => 16]`, or clone3's `{...} => {parent_tid=[7]}`. */
  type: 'update';
  before: ArgValue;
  after: ArgValue;
}
export type ArgValue = StringArg | FdArg | ArrayArg | StructArg | CallArg | AtomArg | UpdateArg;

export const AT_FDCWD = -100;

const CLOSERS = ')]}';
const WORD_STOP = new Set([...' \t,()[]{}"<>=']);

/** Classify the decoded text inside a `-y` annotation. */
export function classifyFdTarget(text: string): FdTarget {
  if (text.startsWith('/')) {
    const deleted = text.endsWith(' (deleted)');
    return deleted ? { kind: 'path', path: text.slice(0, -' (deleted)'.length), deleted } : { kind: 'path', path: text };
  }
  if (text.startsWith('anon_inode:')) return { kind: 'anon', detail: text.slice('anon_inode:'.length) };
  const bracketed = /^([A-Za-z0-9_-]+):\[(.*)\]$/s.exec(text);
  if (bracketed) {
    const [, protocol, detail] = bracketed;
    if (protocol === 'pipe') return { kind: 'pipe', detail };
    const arrow = detail.indexOf('->');
    const socket: FdTarget = { kind: 'socket', protocol, detail };
    if (arrow >= 0) {
      socket.local = detail.slice(0, arrow);
      socket.remote = detail.slice(arrow + 2);
    }
    return socket;
  }
  return { kind: 'other', text };
}

/**
 * Where the `-y` annotation opening at `open` (a `<`) ends: at the first unescaped
 * `>` followed by an argument delimiter or the end. Current strace escapes `<` and
 * `>` inside paths (`\76`); the delimiter rule covers older ones and the `->` in
 * socket annotations. Returns -1 when there is no such `>`.
 */
export function findAnnotationEnd(text: string, open: number, end = text.length): number {
  for (let j = open + 1; j < end; j++) {
    const c = text[j];
    if (c === '\\') {
      j += 1;
    } else if (c === '>') {
      const next = j + 1 < end ? text[j + 1] : '';
      if (next === '' || next === ',' || CLOSERS.includes(next)) return j;
    }
  }
  return -1;
}

class ArgParser {
  i = 0;
  constructor(readonly s: string) {}

  skipSpaceAndComments(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && (s[this.i] === ' ' || s[this.i] === '\t')) this.i++;
      if (s.startsWith('/*', this.i)) {
        const close = s.indexOf('*/', this.i + 2);
        this.i = close < 0 ? s.length : close + 2;
      } else {
        return;
      }
    }
  }

  atDelimiter(): boolean {
    return this.i >= this.s.length || this.s[this.i] === ',' || CLOSERS.includes(this.s[this.i]);
  }

  /** Items up to (not past) the closer, or to the end of the text. */
  parseList(closer: string): ArgValue[] {
    const items: ArgValue[] = [];
    for (;;) {
      this.skipSpaceAndComments();
      if (this.i >= this.s.length || this.s[this.i] === closer) return items;
      const before = this.i;
      items.push(this.parseItem());
      this.skipSpaceAndComments();
      if (this.s[this.i] === ',') this.i++;
      else if (this.i >= this.s.length || this.s[this.i] === closer) return items;
      else if (CLOSERS.includes(this.s[this.i])) this.i++; // a stray closer: skip it
      if (this.i === before) this.i++; // never loop without progress
    }
  }

  parseItem(): ArgValue {
    const start = this.i;
    let value = this.parseNamedValue();
    this.skipSpaceAndComments();
    if (this.s.startsWith('=>', this.i)) {
      this.i += 2;
      this.skipSpaceAndComments();
      value = { type: 'update', before: value, after: this.parseValue(), ...(value.name ? { name: value.name } : {}) };
      this.skipSpaceAndComments();
    }
    if (this.atDelimiter()) return value;
    // Something we do not model (`WIFEXITED(s) && ...`, `~[RTMIN]`): keep it raw.
    this.skipRawToDelimiter();
    return { type: 'atom', text: this.s.slice(start, this.i).trim() };
  }

  parseNamedValue(): ArgValue {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)=(?![=>])/.exec(this.s.slice(this.i, this.i + 80));
    if (!m) return this.parseValue();
    this.i += m[0].length;
    const value = this.parseValue();
    value.name = m[1];
    return value;
  }

  parseValue(): ArgValue {
    this.skipSpaceAndComments();
    const s = this.s;
    const c = s[this.i];
    if (c === '"') return this.parseString(false);
    if (c === '@' && s[this.i + 1] === '"') {
      this.i++;
      return this.parseString(true);
    }
    if (c === '[') {
      this.i++;
      const items = this.parseList(']');
      if (s[this.i] === ']') this.i++;
      return withoutEllipsis({ type: 'array', items, truncated: false });
    }
    if (c === '{') {
      this.i++;
      const fields = this.parseList('}');
      if (s[this.i] === '}') this.i++;
      const struct = withoutEllipsis({ type: 'array', items: fields, truncated: false });
      return { type: 'struct', fields: struct.items, truncated: struct.truncated };
    }
    const wordStart = this.i;
    while (this.i < s.length && !WORD_STOP.has(s[this.i])) this.i++;
    const word = s.slice(wordStart, this.i);
    if (s[this.i] === '(' && word) {
      this.i++;
      const args = this.parseList(')');
      if (s[this.i] === ')') this.i++;
      return { type: 'call', fn: word, args };
    }
    if (s[this.i] === '<' && (word === 'AT_FDCWD' || /^-?\d+$/.test(word))) {
      const close = findAnnotationEnd(s, this.i);
      if (close >= 0) {
        const target = classifyFdTarget(decodeCString(s.slice(this.i + 1, close)));
        this.i = close + 1;
        return { type: 'fd', fd: word === 'AT_FDCWD' ? AT_FDCWD : Number(word), target };
      }
    }
    return { type: 'atom', text: word };
  }

  parseString(abstract: boolean): StringArg {
    const s = this.s;
    let j = this.i + 1;
    while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
    const value = decodeCString(s.slice(this.i + 1, Math.min(j, s.length)));
    this.i = Math.min(j + 1, s.length);
    const truncated = s.startsWith('...', this.i);
    if (truncated) this.i += 3;
    return abstract ? { type: 'string', value, truncated, abstract } : { type: 'string', value, truncated };
  }

  /** Advance to the next top-level `,` or unmatched closer, honouring quotes and nesting. */
  skipRawToDelimiter(): void {
    this.i = scanToDelimiter(this.s, this.i);
  }
}

function withoutEllipsis(array: ArrayArg): ArrayArg {
  const items = array.items.filter(v => !(v.type === 'atom' && v.text === '...' && !v.name));
  return { type: 'array', items, truncated: items.length !== array.items.length };
}

/**
 * The index of the first top-level `,` (unless `stopAtComma` is false) or unmatched
 * closer at or after `from`, skipping strings, nested brackets, comments and fd
 * annotations.
 */
export function scanToDelimiter(s: string, from: number, stopAtComma = true): number {
  let depth = 0;
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '/' && s[i + 1] === '*') {
      const close = s.indexOf('*/', i + 2);
      i = close < 0 ? s.length : close + 2;
    } else if (c === '<' && i > 0 && /[0-9D]/.test(s[i - 1])) {
      // `3</a,b>` or `AT_FDCWD</x>`: the path may contain delimiters.
      const close = findAnnotationEnd(s, i);
      i = close < 0 ? i + 1 : close + 1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
      i++;
    } else if (CLOSERS.includes(c)) {
      if (depth === 0) return i;
      depth--;
      i++;
    } else if (c === ',' && depth === 0 && stopAtComma) {
      return i;
    } else {
      i++;
    }
  }
  return i;
}

/**
 * Parse a syscall's argument text, stopping at the `)` that closes the call.
 * `end` is the index of that `)` (or the text length when there is none).
 */
export function parseArgs(text: string): { args: ArgValue[]; end: number } {
  const parser = new ArgParser(text);
  const args = parser.parseList(')');
  return { args, end: parser.i };
}

/** Parse one value on its own, e.g. the `{si_signo=...}` of a signal line. */
export function parseValue(text: string): ArgValue {
  return new ArgParser(text).parseItem();
}

// Small accessors used by the event model.

export function field(value: ArgValue | undefined, name: string): ArgValue | undefined {
  if (!value) return undefined;
  if (value.type === 'struct') return value.fields.find(f => f.name === name);
  if (value.type === 'update') return field(value.after, name) ?? field(value.before, name);
  return undefined;
}

export function atomText(value: ArgValue | undefined): string | undefined {
  return value?.type === 'atom' ? value.text : undefined;
}

/** The decoded text of a string argument (undefined for NULL, pointers, ...). */
export function stringValue(value: ArgValue | undefined): string | undefined {
  return value?.type === 'string' ? value.value : undefined;
}

/** A number from an atom (`16`, `0x1f`, `-1`), or undefined. */
export function numberValue(value: ArgValue | undefined): number | undefined {
  const text = atomText(value);
  if (text === undefined || !/^-?(\d+|0x[0-9a-fA-F]+)$/.test(text)) return undefined;
  return text.startsWith('-') ? -Number(text.slice(1)) : Number(text);
}

/** The names in a flag set such as `O_WRONLY|O_CREAT|0x200000`. */
export function flagSet(value: ArgValue | undefined): Set<string> {
  const text = atomText(value);
  return new Set(text ? text.split('|').map(f => f.trim()) : []);
}
