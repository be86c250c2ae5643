import { describe, expect, it } from 'vitest';
import type { CellVerdict } from '../contract/verdict';
import { archiveAsNamed, isAuditedCell, verdictForMetadata, withContainer, withRepeat, withVerdict } from './repeat-metadata';
import type { RetraceNotebookMetadata } from '../contract/metadata';
import { auditedCellMetadata, auditedNotebookMetadata, digest } from './metadata-fixtures';
import { validateCellMetadata, validateNotebookMetadata } from './validate';

const audited = auditedCellMetadata();
const notebook = auditedNotebookMetadata();

const diverged: CellVerdict = {
  status: 'diverged',
  reason: 'reads data.csv with different content',
  first_difference: { kind: 'file', audit: `data.csv ${digest('c')}`, repeat: undefined },
  outputs: { same: false, differences: ['output 1 (stream stdout) differs'] },
  fall_through: ['/etc/hosts'],
  lineage: digest('e'),
  log: { session: 'repeat-1', seq: 1 }
};

describe('a verdict in an audited cell', () => {
  it('joins the audit, which stays as it was, and is valid', () => {
    const meta = withVerdict(audited, { ...diverged, extra: 'dropped' } as CellVerdict);
    expect(validateCellMetadata(meta)).toEqual({ ok: true });
    expect({ ...meta, verdict: undefined }).toEqual({ ...audited, verdict: undefined });
    expect(meta.verdict!.first_difference).toEqual({ kind: 'file', audit: `data.csv ${digest('c')}` });
    expect(meta.verdict).not.toHaveProperty('extra');
  });

  it('keeps only what the schema allows', () => {
    const v = verdictForMetadata({
      status: 'failed',
      reason: 'the kernel died during the cell',
      outputs: { same: true, differences: [] },
      fall_through: [],
      lineage: 'not a digest'
    });
    expect(v).toEqual({ status: 'failed', reason: 'the kernel died during the cell', outputs: { same: true, differences: [] }, fall_through: [] });
    expect(validateCellMetadata({ ...audited, verdict: v })).toEqual({ ok: true });
  });

  it('keeps every first difference of a diverged cell (schema 1.2.0), in the order the judge gives the keys', () => {
    const v = verdictForMetadata({ ...diverged, differences: ['reads data.csv with different content'] });
    expect(v.differences).toEqual(['reads data.csv with different content']);
    expect(Object.keys(v)).toEqual(['status', 'reason', 'first_difference', 'differences', 'outputs', 'fall_through', 'lineage', 'log']);
    expect(validateCellMetadata({ ...audited, verdict: v })).toEqual({ ok: true });
  });

  it("is written only where the audit's metadata is", () => {
    expect(isAuditedCell(audited)).toBe(true);
    expect(isAuditedCell(undefined)).toBe(false);
    expect(isAuditedCell({ verdict: diverged })).toBe(false);
  });
});

describe("the notebook's last repeat", () => {
  const run = {
    session: 'repeat-1',
    finishedAt: '2025-02-01T10:00:00.000Z',
    container: { archive: 'nb.retrace.tar.gz', sha256: digest('f'), mode: 'layered' as const },
    summary: { total: 3, reproduced: 1, changed: 1, diverged: 1, failed: 0 }
  };

  it('is recorded beside the audit and the container, valid', () => {
    const meta = withRepeat(notebook, run)!;
    expect(validateNotebookMetadata(meta)).toEqual({ ok: true });
    expect(meta.repeat).toEqual({ session: 'repeat-1', finished_at: run.finishedAt, container: run.container, summary: run.summary });
    expect(meta.audit).toEqual(notebook.audit);
    expect(meta.container).toEqual(notebook.container);
  });

  it('leaves out a hash that is not a digest, and is not written without an audit', () => {
    const meta = withRepeat(notebook, { ...run, container: { archive: '/abs/nb.tar.gz', sha256: 'x' } })!;
    expect(meta.repeat!.container).toEqual({ archive: '/abs/nb.tar.gz' });
    expect(validateNotebookMetadata(meta)).toEqual({ ok: true });
    expect(withRepeat(undefined, run)).toBeUndefined();
    expect(withRepeat({ container: { archive: 'a' } } as RetraceNotebookMetadata, run)).toBeUndefined();
  });

  it('names the container the notebook repeats in, beside the audit', () => {
    const meta = withContainer(notebook, { archive: 'other.retrace.tar.gz', mode: 'strict' });
    expect(meta.container).toEqual({ archive: 'other.retrace.tar.gz', mode: 'strict' });
    expect(meta.audit).toEqual(notebook.audit);
    expect(validateNotebookMetadata(meta)).toEqual({ ok: true });
    expect(withContainer(notebook, { archive: 'x.tar.gz' }).container).toEqual({ archive: 'x.tar.gz' });
  });

  it('names the archive as the notebook does when it is the same file', () => {
    expect(archiveAsNamed('/home/me/w/nb.retrace.tar.gz', 'nb.retrace.tar.gz')).toBe('nb.retrace.tar.gz');
    expect(archiveAsNamed('/home/me/w/c/nb.tar.gz', './c/nb.tar.gz')).toBe('c/nb.tar.gz');
    expect(archiveAsNamed('/home/me/w/other.tar.gz', 'nb.retrace.tar.gz')).toBe('/home/me/w/other.tar.gz');
    expect(archiveAsNamed('/home/me/x.tar.gz', '../x.tar.gz')).toBe('/home/me/x.tar.gz');
    expect(archiveAsNamed('/srv/x.tar.gz', '/srv/x.tar.gz')).toBe('/srv/x.tar.gz');
    expect(archiveAsNamed('/srv/x.tar.gz', undefined)).toBe('/srv/x.tar.gz');
  });
});
