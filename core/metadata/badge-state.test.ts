import { describe, expect, it } from 'vitest';
import { codeHash, shortDigest, sourceText } from '../lineage/digest';
import { auditIdentity, badgeAriaLabel, badgeLabel, badgeState, badgeTitle, currentVerdict } from './badge-state';
import type { CellVerdict } from '../contract/verdict';
import type { RetraceCellMetadata } from '../contract/metadata';

const meta = (over: Partial<RetraceCellMetadata>) =>
  ({ code_hash: 'sha256:aa', lineage: 'sha256:0123456789abcdef', status: 'complete', ...over }) as RetraceCellMetadata;

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

describe('verdict badges', () => {
  const verdict = (status: CellVerdict['status'], reason = 'same code, same lineage', same = true): CellVerdict => ({
    status,
    reason,
    outputs: { same, differences: same ? [] : ['output 1 (stream stdout) differs'] },
    fall_through: []
  });

  it('show a saved verdict while the source is the one it judged', () => {
    expect(badgeState(meta({ verdict: verdict('reproduced') }), 'sha256:aa')).toEqual({
      kind: 'reproduced',
      reason: 'same code, same lineage',
      outputsSame: true
    });
    const diverged = badgeState(meta({ verdict: verdict('diverged', 'reads data/x.csv with different content', false) }), 'sha256:aa');
    expect(badgeLabel(diverged)).toBe('diverged');
    expect(badgeAriaLabel(diverged)).toBe('retrace: diverged: reads data/x.csv with different content');
    expect(badgeTitle(diverged)).toContain('reads data/x.csv with different content');
    expect(badgeTitle(diverged)).toContain('outputs differ');
    expect(badgeAriaLabel(badgeState(meta({ verdict: verdict('reproduced') }), 'sha256:aa'))).toBe('retrace: reproduced');
    expect(badgeLabel(badgeState(meta({ verdict: verdict('failed', 'ValueError: x (the audit did not)') }), 'sha256:aa'))).toBe('failed');
  });

  it('are stale once the cell is edited after the verdict: "edited since audit" wins', () => {
    expect(badgeState(meta({ verdict: verdict('reproduced') }), 'sha256:bb')).toEqual({ kind: 'edited', lineage: '01234567' });
    expect(badgeState(meta({ verdict: verdict('failed') }), 'sha256:bb')).toEqual({ kind: 'edited', lineage: '01234567' });
    // "changed" judged an edited source: it stands while the source differs from the audit's,
    // and yields to "audited" when the edit is undone.
    expect(badgeState(meta({ verdict: verdict('changed', 'the code was edited since the audit') }), 'sha256:bb')).toMatchObject({ kind: 'changed' });
    expect(badgeState(meta({ verdict: verdict('changed') }), 'sha256:aa')).toMatchObject({ kind: 'audited' });
  });

  it('follow the source a verdict given in this session judged, audited or not', () => {
    const judged = { verdict: verdict('changed', 'not in the audit: a new cell'), codeHash: 'sha256:cc' };
    expect(badgeState(undefined, 'sha256:cc', judged)).toEqual({ kind: 'changed', reason: 'not in the audit: a new cell', outputsSame: true });
    expect(badgeState(undefined, 'sha256:dd', judged)).toEqual({ kind: 'not-audited' });
    const failedEdited = {
      verdict: verdict('failed', 'NameError: y (the code was edited since the audit)'),
      codeHash: 'sha256:bb',
      audit: auditIdentity(meta({}))
    };
    expect(badgeState(meta({ verdict: failedEdited.verdict }), 'sha256:bb', failedEdited)).toMatchObject({ kind: 'failed' });
    expect(badgeState(meta({ verdict: failedEdited.verdict }), 'sha256:ee', failedEdited)).toMatchObject({ kind: 'edited' });
    expect(currentVerdict(meta({}), 'sha256:aa')).toBeUndefined();
  });

  it('are gone once the cell is audited again: a verdict speaks only for the audit it was judged against', () => {
    const audit = meta({ started_at: '2026-01-01T10:00:00.000Z', log: { session: 'k1', seq: 4, events_sha256: 'sha256:ff' } });
    const judged = { verdict: verdict('changed', 'the code was edited since the audit'), codeHash: 'sha256:aa', audit: auditIdentity(audit) };
    expect(badgeState(audit, 'sha256:aa', judged)).toMatchObject({ kind: 'changed' });
    // The same cell audited again (a new execution, even with the same lineage): the audit shows.
    const again = meta({ started_at: '2026-01-01T10:05:00.000Z', log: { session: 'k2', seq: 1, events_sha256: 'sha256:ff' } });
    expect(auditIdentity(again)).not.toBe(auditIdentity(audit));
    expect(badgeState(again, 'sha256:aa', judged)).toEqual({ kind: 'audited', lineage: '01234567', status: 'complete' });
    expect(currentVerdict(again, 'sha256:aa', judged)).toBeUndefined();
    // A cell the audit never saw keeps its verdict while it stays unaudited.
    expect(auditIdentity(undefined)).toBeUndefined();
  });
});
