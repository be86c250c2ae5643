import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotebookCell } from '../../core/notebook/parse';
import { unpackedLayout } from '../container/unpacked-layout';
import { loadAuditSide } from './audit-side';

const output = { output_type: 'stream', name: 'stdout', text: '3\n' };
const audited = (seq: number): NotebookCell =>
  ({
    cell_type: 'code',
    source: 'print(3)',
    outputs: [output],
    metadata: { retrace: { code_hash: 'sha256:' + 'a'.repeat(64), lineage: 'sha256:' + 'b'.repeat(64), log: { session: 'audit-1', seq } } }
  }) as unknown as NotebookCell;

describe('the audit side of a repeated cell', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'retrace-audit-side-'));
    mkdirSync(join(dir, 'provenance', 'cells'), { recursive: true });
    writeFileSync(join(dir, 'provenance', 'cells', '1.json'), JSON.stringify({ seq: 1, lineage: 'L1' }));
    writeFileSync(join(dir, 'provenance', 'cells', '2.json'), '{ not json');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is the audited cell's metadata and outputs, with its record from provenance/cells/<seq>.json (docs/container.md)", () => {
    const side = loadAuditSide(unpackedLayout(dir), audited(1));
    expect(side.metadata).toEqual(audited(1).metadata.retrace);
    expect(side.outputs).toEqual([output]);
    expect(side.record).toEqual({ seq: 1, lineage: 'L1' });
  });

  it('is judged without a record the container lacks or cannot be read', () => {
    expect(loadAuditSide(unpackedLayout(dir), audited(7)).record).toBeUndefined();
    expect(loadAuditSide(unpackedLayout(dir), audited(2)).record).toBeUndefined();
  });

  it('is empty for a cell the audit never saw', () => {
    expect(loadAuditSide(unpackedLayout(dir), undefined)).toEqual({ metadata: undefined, record: undefined, outputs: [] });
  });
});
