import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic';

const mode = (p: string) => statSync(p).mode & 0o7777;

describe('writeFileAtomic', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'retrace-atomic-'));
    umask = process.umask(0o022);
  });
  afterEach(() => void process.umask(umask));

  it('keeps store files private', () => {
    writeFileAtomic(join(dir, 'session.json'), '{}');
    expect(mode(join(dir, 'session.json'))).toBe(0o600);
  });

  it('gives a new user file the mode a new file gets under the umask', () => {
    writeFileAtomic(join(dir, 'nb.ipynb'), '{}', 'user');
    expect(mode(join(dir, 'nb.ipynb'))).toBe(0o644);
    process.umask(0o077);
    writeFileAtomic(join(dir, 'other.ipynb'), '{}', 'user');
    expect(mode(join(dir, 'other.ipynb'))).toBe(0o600);
  });

  it("keeps a replaced user file's mode, and leaves no temp file", () => {
    const file = join(dir, 'nb.ipynb');
    writeFileSync(file, 'old');
    chmodSync(file, 0o640);
    writeFileAtomic(file, 'new', 'user');
    expect(mode(file)).toBe(0o640);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['nb.ipynb']);
  });
});
