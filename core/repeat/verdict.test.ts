import { describe, expect, it } from 'vitest';
import type { RetraceCellMetadata } from '../contract/metadata';
import type { CellRecord } from '../contract/records';
import { compareOutputs } from '../diff/outputs';
import { judgeCell, summarize, type AuditSide, type RepeatSide } from './verdict';

const hashImage = (b64: string) => `h(${b64.length}:${b64.slice(0, 4)})`;

function record(over: Partial<CellRecord> = {}): CellRecord {
  return {
    session: 'rep',
    seq: 1,
    cellId: 'c1',
    executionCount: 1,
    beginTime: 0,
    closedBy: 'end',
    reads: [{ path: 'data/x.csv', sha256: 'sha256:aa', size: 3 }],
    writes: [],
    readPaths: ['/nb/data/x.csv'],
    writePaths: [],
    programs: [],
    software: [],
    network: [],
    systemFilesRead: 0,
    systemFilesWritten: 0,
    processes: 1,
    events: 1,
    lineageEvents: { main: ['open:r:data/x.csv'], children: [], pool: [] },
    eventsDigest: 'sha256:e',
    previousLineage: 'sha256:root',
    lineage: 'sha256:L1',
    ...over
  };
}

const auditMeta = {
  code_hash: 'sha256:code',
  lineage: 'sha256:L1',
  status: 'complete',
  files: { read: [{ path: 'data/x.csv', sha256: 'sha256:aa', size: 3 }], written: [] },
  programs: []
} as unknown as RetraceCellMetadata;
const audit: AuditSide = { metadata: auditMeta, record: record({ session: 'audit' }), outputs: [{ output_type: 'stream', name: 'stdout', text: '3\n' }] };
const repeat = (over: Partial<RepeatSide> = {}): RepeatSide => ({
  codeHash: 'sha256:code',
  record: record(),
  reply: 'ok',
  outputs: [{ output_type: 'stream', name: 'stdout', text: '3\n' }],
  mode: 'layered',
  ...over
});

describe('judgeCell', () => {
  it('reproduced: same code, same lineage', () => {
    const v = judgeCell(audit, repeat(), hashImage);
    expect(v.status).toBe('reproduced');
    expect(v.outputs).toEqual({ same: true, differences: [] });
    expect(v.log).toEqual({ session: 'rep', seq: 1 });
  });

  it('changed: the code was edited, whatever the lineage', () => {
    expect(judgeCell(audit, repeat({ codeHash: 'sha256:other', record: record({ lineage: 'sha256:L2' }) }), hashImage)).toMatchObject({
      status: 'changed',
      reason: 'the code was edited since the audit'
    });
    expect(judgeCell({ outputs: [] }, repeat(), hashImage).status).toBe('changed');
  });

  it('diverged: names the data file read with other content', () => {
    const v = judgeCell(audit, repeat({ record: record({ lineage: 'sha256:L2', reads: [{ path: 'data/x.csv', sha256: 'sha256:bb', size: 3 }] }) }), hashImage);
    expect(v).toMatchObject({ status: 'diverged', reason: 'reads data/x.csv with different content', first_difference: { kind: 'file' } });
    // every first difference, worded as `retrace diff` words them, for the badge dialog
    expect(v.differences).toEqual(['reads data/x.csv with different content: sha256:aa in the audit, sha256:bb in the repeat']);
  });

  it('diverged: blames an earlier cell when only the lineage carried over differs', () => {
    const v = judgeCell(audit, repeat({ record: record({ lineage: 'sha256:L2', previousLineage: 'sha256:other' }) }), hashImage);
    expect(v.first_difference?.kind).toBe('earlier-cell');
  });

  it('diverged: the first differing event when the files agree', () => {
    const v = judgeCell(
      audit,
      repeat({ record: record({ lineage: 'sha256:L2', lineageEvents: { main: ['open:r:data/x.csv', 'exec:/bin/date []'], children: [], pool: [] } }) }),
      hashImage
    );
    expect(v.reason).toBe('kernel event 2: does more: exec:/bin/date []');
  });

  it('failed: raised where the audit did not; in strict mode it names the file the container lacks', () => {
    const v = judgeCell(
      audit,
      repeat({ reply: 'error', error: { ename: 'FileNotFoundError', evalue: 'x' }, mode: 'strict', record: record({ notFound: ['/srv/extra.txt'] }) }),
      hashImage
    );
    expect(v.status).toBe('failed');
    expect(v.reason).toBe('FileNotFoundError: x; it reads /srv/extra.txt, which the container does not hold (strict mode: nothing falls through to the host)');
    expect(judgeCell(audit, repeat({ reply: 'dead', record: undefined }), hashImage)).toMatchObject({
      status: 'failed',
      reason: 'the kernel died during the cell (the audit did not)'
    });
  });

  it('reports files taken from the host', () => {
    const v = judgeCell(audit, repeat({ record: record({ fallThrough: ['/srv/a.txt'] }) }), hashImage);
    expect(v.fall_through).toEqual(['/srv/a.txt']);
    expect(v.reason).toContain('from the host: /srv/a.txt');
  });
});

describe('compareOutputs', () => {
  it('compares text exactly and images by hash, naming each difference', () => {
    const png = (data: string) => ({ output_type: 'display_data', data: { 'image/png': data, 'text/plain': '<Figure>' }, metadata: {} });
    expect(compareOutputs([png('AAAA')], [png('AAAA')], hashImage).same).toBe(true);
    expect(compareOutputs([png('AAAA')], [png('BBBBB')], hashImage).differences).toEqual(['output 1 (image/png) differs']);
    expect(
      compareOutputs([{ output_type: 'stream', name: 'stdout', text: ['a', 'b'] }], [{ output_type: 'stream', name: 'stdout', text: 'ab' }], hashImage).same
    ).toBe(true);
    expect(compareOutputs([], [{ output_type: 'stream', name: 'stdout', text: 'x' }], hashImage).differences).toEqual(['output 1 (stream stdout) is new']);
  });
});

describe('summarize', () => {
  it('counts verdicts', () => {
    const v = judgeCell(audit, repeat(), hashImage);
    expect(summarize([v, v, { ...v, status: 'failed' }])).toEqual({ total: 3, reproduced: 2, changed: 0, diverged: 0, failed: 1 });
  });
});
