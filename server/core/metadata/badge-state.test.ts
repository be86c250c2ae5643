import { describe, expect, it } from 'vitest';
import { codeHash, shortDigest, sourceText } from '../lineage/digest';
import { badgeLabel, badgeState } from './badge-state';
import type { RetraceCellMetadata } from './types';

const meta = (over: Partial<RetraceCellMetadata>) => ({ code_hash: 'sha256:aa', lineage: 'sha256:0123456789abcdef', status: 'complete', ...over }) as RetraceCellMetadata;

describe('code hashes', () => {
  it('hashes the source as UTF-8, whether a string or a list of lines', async () => {
    // sha256("") is well known
    expect(await codeHash('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await codeHash(['a = 1\n', 'b = 2'])).toBe(await codeHash('a = 1\nb = 2'));
    expect(await codeHash('x = "é"')).not.toBe(await codeHash('x = "e"'));
    expect(sourceText(['a', 'b'])).toBe('ab');
    expect(shortDigest('sha256:0123456789abcdef')).toBe('01234567');
  });
});

describe('badgeState', () => {
  it('says not audited without metadata', () => {
    expect(badgeState(undefined, 'sha256:aa')).toEqual({ kind: 'not-audited' });
    expect(badgeLabel(badgeState(undefined, 'x'))).toBe('not audited');
  });

  it('says audited with the short lineage while the source matches', () => {
    const s = badgeState(meta({}), 'sha256:aa');
    expect(s).toEqual({ kind: 'audited', lineage: '01234567', status: 'complete' });
    expect(badgeLabel(s)).toBe('audited 01234567');
  });

  it('says edited the moment the source no longer matches', () => {
    expect(badgeState(meta({}), 'sha256:bb')).toEqual({ kind: 'edited', lineage: '01234567' });
  });

  it('shows an incomplete or failed audit', () => {
    expect(badgeLabel(badgeState(meta({ status: 'incomplete' }), 'sha256:aa'))).toBe('audited 01234567 (incomplete)');
  });
});
