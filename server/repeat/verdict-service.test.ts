import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellRecord, SessionMeta } from '../../core/contract/records';
import { judgeExecution } from './verdict-service';

const sha = (s: string) => 'sha256:' + createHash('sha256').update(s).digest('hex');
const SOURCES = ['import numpy', "x = open('data.csv').read()", 'print(len(x))'];

// An nbformat 4.4 audit: no cell ids, as most notebooks in the wild.
const auditNotebook = {
  nbformat: 4,
  nbformat_minor: 4,
  metadata: {},
  cells: SOURCES.map((source, i) => ({
    cell_type: 'code',
    source,
    outputs: [],
    metadata: { retrace: { code_hash: sha(source), lineage: sha(`L${i}`), status: 'complete', files: { read: [], written: [] }, programs: [] } }
  }))
};

const record = (i: number): CellRecord =>
  ({
    session: 'rep',
    seq: i + 1,
    cellId: null,
    reads: [],
    writes: [],
    programs: [],
    lineageEvents: { main: [], children: [], pool: [] },
    previousLineage: sha(`L${i - 1}`),
    lineage: sha(`L${i}`)
  }) as unknown as CellRecord;

describe('judging a repeat cell in JupyterLab', () => {
  let cache: string;
  const meta = {
    id: 'rep',
    kind: 'repeat',
    audited: true,
    container: { archive: '/w/nb.tar.gz', hash: 'sha256:' + 'f'.repeat(64), mode: 'layered' }
  } as SessionMeta;

  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'retrace-verdict-service-'));
    mkdirSync(join(cache, 'f'.repeat(64)));
    writeFileSync(join(cache, 'f'.repeat(64), 'notebook.ipynb'), JSON.stringify(auditNotebook));
    process.env.RETRACE_CONTAINER_CACHE = cache;
  });
  afterAll(() => {
    delete process.env.RETRACE_CONTAINER_CACHE;
    rmSync(cache, { recursive: true, force: true });
  });

  it('matches an audit without ids through the notebook’s code cells (JupyterLab made the ids up)', () => {
    // a cell was inserted before the third: the third still matches its audit
    const codeCells = [...SOURCES.slice(0, 2), 'print("new")', SOURCES[2]].map((s, i) => ({ id: `jl-${i}`, code_hash: sha(s) }));
    const req = (i: number, source: string) => ({ cellId: `jl-${i}`, codeHash: sha(source), reply: 'ok' as const, outputs: [], codeCells });
    expect(judgeExecution(meta, record(2), req(3, SOURCES[2]))).toMatchObject({ status: 'reproduced' });
    expect(judgeExecution(meta, record(1), req(1, SOURCES[1]))).toMatchObject({ status: 'reproduced' });
    expect(judgeExecution(meta, record(2), req(2, 'print("new")'))).toMatchObject({ status: 'changed', reason: expect.stringContaining('not in the audit') });
  });

  it('without the notebook’s cells, falls back on code that only one audited cell has', () => {
    expect(judgeExecution(meta, record(0), { cellId: 'jl-0', codeHash: sha(SOURCES[0]), reply: 'ok', outputs: [] }).status).toBe('reproduced');
  });
});
