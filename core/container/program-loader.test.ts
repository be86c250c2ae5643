import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { programInterpreter, type ReadAt } from './program-loader';

const readerOf =
  (bytes: Uint8Array): ReadAt =>
  (offset, length) =>
    bytes.subarray(offset, offset + length);

describe('programInterpreter', () => {
  it('finds the dynamic loader of a real ELF program', () => {
    const ls = readFileSync('/bin/ls');
    expect(programInterpreter(readerOf(ls))).toMatch(/^\/lib.*\/ld-linux[-\w.]*\.so\.\d$/);
  });

  it('finds a script interpreter, without its arguments', () => {
    const script = new TextEncoder().encode('#!/usr/bin/env python3 -u\nprint(1)\n');
    expect(programInterpreter(readerOf(script))).toBe('/usr/bin/env');
    expect(programInterpreter(readerOf(new TextEncoder().encode('#! /bin/sh\n')))).toBe('/bin/sh');
  });

  it('says nothing for data, relative shebangs and shared libraries without an interpreter', () => {
    expect(programInterpreter(readerOf(new TextEncoder().encode('hello')))).toBeUndefined();
    expect(programInterpreter(readerOf(new TextEncoder().encode('#!python\n')))).toBeUndefined();
    const libc = readFileSync('/lib/x86_64-linux-gnu/libm.so.6');
    expect(programInterpreter(readerOf(libc))).toBeUndefined();
  });
});
