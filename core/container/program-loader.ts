/**
 * The loader a program needs that the trace never shows: the kernel maps an ELF
 * binary's interpreter (`/lib64/ld-linux-x86-64.so.2`) and runs a script's `#!`
 * interpreter without an open or execve of its own. A container without them cannot
 * start the program, so the packer asks this module, given the program's first bytes.
 */

const PT_INTERP = 3;

/** Reads `length` bytes at `offset` of the program file (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/** The interpreter a program's kernel loader needs, or undefined (static binary, not a program). */
export function programInterpreter(read: ReadAt): string | undefined {
  const head = read(0, 256);
  if (head[0] === 0x23 && head[1] === 0x21) return shebangInterpreter(head);
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return elfInterpreter(head, read);
  return undefined;
}

/** `#!/usr/bin/env python3` → `/usr/bin/env`. */
function shebangInterpreter(head: Uint8Array): string | undefined {
  const end = head.indexOf(0x0a);
  const line = new TextDecoder().decode(head.subarray(2, end === -1 ? head.length : end)).trim();
  const interp = line.split(/[ \t]/)[0];
  return interp.startsWith('/') ? interp : undefined;
}

function elfInterpreter(head: Uint8Array, read: ReadAt): string | undefined {
  const is64 = head[4] === 2;
  const little = head[5] === 1;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const word = (v: DataView, at: number) => (is64 ? Number(v.getBigUint64(at, little)) : v.getUint32(at, little));
  const phoff = word(view, is64 ? 0x20 : 0x1c);
  const phentsize = view.getUint16(is64 ? 0x36 : 0x2a, little);
  const phnum = view.getUint16(is64 ? 0x38 : 0x2c, little);
  if (!phoff || !phentsize || phnum > 256) return undefined;
  const table = read(phoff, phentsize * phnum);
  const tv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  for (let i = 0; i < phnum && (i + 1) * phentsize <= table.length; i++) {
    const at = i * phentsize;
    if (tv.getUint32(at, little) !== PT_INTERP) continue;
    const offset = word(tv, at + (is64 ? 0x08 : 0x04));
    const size = word(tv, at + (is64 ? 0x20 : 0x10));
    if (size <= 1 || size > 4096) return undefined;
    const bytes = read(offset, size);
    const nul = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.subarray(0, nul === -1 ? bytes.length : nul));
  }
  return undefined;
}
