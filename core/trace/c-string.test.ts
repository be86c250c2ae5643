import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeCString } from './c-string';

describe('decodeCString', () => {
  it('leaves text without escapes alone', () => {
    expect(decodeCString('/etc/hostname')).toBe('/etc/hostname');
  });

  it('decodes the simple escapes strace prints', () => {
    expect(decodeCString('a\\nb\\tc\\"d\\\\e\\rf\\vg\\fh')).toBe('a\nb\tc"d\\e\rf\vg\fh');
  });

  it('decodes octal escapes of 1 to 3 digits, as UTF-8', () => {
    // From a real log: `weird\n"q"\ é>x.txt`, with `>` escaped as \76 in the -y path.
    expect(decodeCString('weird\\n\\"q\\"\\\\ \\303\\251\\76x.txt')).toBe('weird\n"q"\\ é>x.txt');
    expect(decodeCString('\\0')).toBe('\0');
    expect(decodeCString('\\1a')).toBe('\x01a');
    expect(decodeCString('\\1234')).toBe('S4'); // at most three digits
  });

  it('decodes hex escapes (strace -x) as UTF-8 bytes', () => {
    expect(decodeCString('\\x41\\xc3\\xa9\\xe2\\x82\\xac')).toBe('Aé€');
    expect(decodeCString('\\xf0\\x9f\\x98\\x80!')).toBe('😀!');
  });

  it('keeps bytes that are not UTF-8 distinct, as Python surrogateescape does', () => {
    // From a real log: execve argument $'\xff\xfe'.
    expect(decodeCString('\\377\\376')).toBe('\udcff\udcfe');
    expect(decodeCString('\\303')).toBe('\udcc3'); // cut in the middle of é
    expect(decodeCString('ok\\303\\251\\377')).toBe('oké\udcff');
  });

  it('keeps escapes it does not know and a trailing backslash', () => {
    expect(decodeCString('a\\qb')).toBe('a\\qb');
    expect(decodeCString('a\\')).toBe('a\\');
  });
});

describe('decodeBytes', () => {
  it('rejects overlong and surrogate encodings byte by byte', () => {
    expect(decodeBytes(Uint8Array.from([0xc0, 0x80]))).toBe('\udcc0\udc80');
    expect(decodeBytes(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe('\udced\udca0\udc80');
    expect(decodeBytes(Uint8Array.from([0x61, 0xe2, 0x82]))).toBe('a\udce2\udc82');
  });
});
