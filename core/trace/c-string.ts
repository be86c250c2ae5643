/**
 * Decoding of the C-escaped text strace prints for strings and `-y` paths.
 *
 * strace prints every byte that is not printable ASCII as an escape (`\n`, `\"`,
 * `\303\251`, or `\xNN` with -x), so a multibyte character arrives as a run of
 * escaped bytes. We turn escape runs back into bytes and decode them as UTF-8.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 0x0a,
  t: 0x09,
  r: 0x0d,
  v: 0x0b,
  f: 0x0c,
  b: 0x08,
  a: 0x07,
  e: 0x1b,
  '"': 0x22,
  "'": 0x27,
  '\\': 0x5c,
  '?': 0x3f
};

/**
 * Bytes to text. Valid UTF-8 decodes normally; a byte that is not part of a valid
 * sequence becomes U+DC80+byte, as Python's `surrogateescape` does, so file names
 * that are not UTF-8 stay distinct (lossless) and match what `os.fsdecode` shows
 * inside the kernel.
 */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeWithSurrogateEscape(bytes);
  }
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when it is not valid. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  let length: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 === 0xe0) lo = 0xa0; // overlong
    if (b0 === 0xed) hi = 0x9f; // UTF-16 surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 === 0xf0) lo = 0x90; // overlong
    if (b0 === 0xf4) hi = 0x8f; // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > bytes.length) return 0;
  const b1 = bytes[i + 1];
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < length; k++) {
    const b = bytes[i + k];
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return length;
}

function decodeWithSurrogateEscape(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i += 1;
      continue;
    }
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + b);
      i += 1;
    } else {
      out += strictUtf8.decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return out;
}

function isOctalDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x37;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/**
 * Decode the inside of a strace string (without the quotes) or of a `-y` path
 * annotation (without the angle brackets).
 */
export function decodeCString(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length > 0) {
      out += decodeBytes(Uint8Array.from(pending));
      pending = [];
    }
  };
  let i = 0;
  while (i < raw.length) {
    if (raw.charCodeAt(i) !== 0x5c) {
      flush();
      const next = raw.indexOf('\\', i);
      const end = next < 0 ? raw.length : next;
      out += raw.slice(i, end);
      i = end;
      continue;
    }
    if (i + 1 >= raw.length) {
      pending.push(0x5c); // a lone trailing backslash: keep it
      i += 1;
      continue;
    }
    const escape = raw[i + 1];
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      pending.push(simple);
      i += 2;
    } else if (isOctalDigit(raw.charCodeAt(i + 1))) {
      // strace uses 1 to 3 octal digits (`\0`, `\12`, `\303`).
      let value = 0;
      let j = i + 1;
      while (j < raw.length && j < i + 4 && isOctalDigit(raw.charCodeAt(j))) {
        value = value * 8 + (raw.charCodeAt(j) - 0x30);
        j += 1;
      }
      pending.push(value & 0xff);
      i = j;
    } else if (escape === 'x' && i + 2 < raw.length && hexValue(raw.charCodeAt(i + 2)) >= 0) {
      let value = hexValue(raw.charCodeAt(i + 2));
      let j = i + 3;
      if (j < raw.length && hexValue(raw.charCodeAt(j)) >= 0) {
        value = value * 16 + hexValue(raw.charCodeAt(j));
        j += 1;
      }
      pending.push(value);
      i = j;
    } else {
      // Not an escape strace produces: keep both characters as they are.
      flush();
      out += raw.slice(i, i + 2);
      i += 2;
    }
  }
  flush();
  return out;
}
