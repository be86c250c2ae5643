import { describe, expect, it } from 'vitest';
import { parseVerdictRequestBody } from './verdict-request';

const HASH = 'sha256:' + 'a'.repeat(64);
const good = { cell_id: 'c1', execution_count: 3, code_hash: HASH, reply: 'ok', outputs: [{ output_type: 'stream', name: 'stdout', text: 'hi\n' }] };

describe('the verdict request body', () => {
  it('keeps what the judge needs, the error only when given', () => {
    expect(parseVerdictRequestBody(good)).toEqual(good);
    const failed = parseVerdictRequestBody({ ...good, reply: 'error', error: { ename: 'ValueError', evalue: 'x', traceback: [] } });
    expect(failed.error).toEqual({ ename: 'ValueError', evalue: 'x' });
    expect(parseVerdictRequestBody({ ...good, error: null })).not.toHaveProperty('error');
    const cells = [{ id: 'c1', code_hash: HASH, extra: 1 }];
    expect(parseVerdictRequestBody({ ...good, code_cells: cells }).code_cells).toEqual([{ id: 'c1', code_hash: HASH }]);
  });

  it('says which field is wrong', () => {
    const bad = (over: object) => () => parseVerdictRequestBody({ ...good, ...over });
    expect(() => parseVerdictRequestBody([])).toThrow('JSON object');
    expect(bad({ cell_id: '' })).toThrow('"cell_id"');
    expect(bad({ execution_count: null })).toThrow('"execution_count"');
    expect(bad({ execution_count: 1.5 })).toThrow('"execution_count"');
    expect(bad({ code_hash: 'abc' })).toThrow('"code_hash"');
    expect(bad({ reply: 'dead' })).toThrow('"reply"');
    expect(bad({ outputs: [{}] })).toThrow('"outputs"');
    expect(bad({ outputs: undefined })).toThrow('"outputs"');
    expect(bad({ error: { ename: 1 } })).toThrow('"error"');
    expect(bad({ code_cells: [{ id: 'c1' }] })).toThrow('"code_cells"');
  });
});
