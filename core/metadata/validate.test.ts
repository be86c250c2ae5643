import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import schema from '../../schema/metadata/retrace-metadata.schema.json';
import { codeHash } from '../lineage/digest';
import { SPEC_VERSION, type RetraceCellMetadata, type RetraceNotebookMetadata } from '../contract/metadata';
import { METADATA_SCHEMA_ID, validateCellMetadata, validateNotebookMetadata, type ValidationResult } from './validate';

const REPO = join(__dirname, '..', '..');

/** The JSON blocks of docs/metadata.md that follow an `<!-- example: NAME -->` line. */
function docExamples(): Record<string, unknown> {
  const md = readFileSync(join(REPO, 'docs', 'metadata.md'), 'utf8');
  const out: Record<string, unknown> = {};
  for (const m of md.matchAll(/<!-- example: ([\w-]+) -->\s*```json\n([\s\S]*?)\n```/g)) {
    out[m[1]] = JSON.parse(m[2]);
  }
  return out;
}

const examples = docExamples();
const notebookExample = examples['notebook-metadata'] as RetraceNotebookMetadata;
const codeCell = examples['code-cell'] as { source: string[]; metadata: { retrace: RetraceCellMetadata } };
const cellExample = codeCell.metadata.retrace;
const errorCellExample = examples['cell-metadata'] as RetraceCellMetadata;

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function errorsOf(r: ValidationResult): string[] {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe('the schema file', () => {
  it('is versioned with the spec version of types.ts', () => {
    expect(schema.$id).toBe(`https://retrace.dev/schema/metadata/${SPEC_VERSION}`);
    expect(METADATA_SCHEMA_ID).toBe(schema.$id);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});

describe('the examples in docs/metadata.md', () => {
  it('are all found', () => {
    expect(Object.keys(examples).sort()).toEqual(['cell-metadata', 'code-cell', 'notebook-metadata']);
  });

  it('are valid', () => {
    expect(validateNotebookMetadata(notebookExample)).toEqual({ ok: true });
    expect(validateCellMetadata(cellExample)).toEqual({ ok: true });
    expect(validateCellMetadata(errorCellExample)).toEqual({ ok: true });
  });

  it('hash the cell source as documented: sha256 of the lines joined with ""', async () => {
    const digest = createHash('sha256').update(codeCell.source.join(''), 'utf8').digest('hex');
    expect(cellExample.code_hash).toBe(`sha256:${digest}`);
    expect(await codeHash(codeCell.source)).toBe(cellExample.code_hash); // retrace's own code_hash
  });

  it('state lineage_0 as the sha256 of the empty string', () => {
    const empty = createHash('sha256').update('').digest('hex');
    expect(readFileSync(join(REPO, 'docs', 'metadata.md'), 'utf8')).toContain(`sha256:${empty}`);
  });
});

describe('validateNotebookMetadata', () => {
  it('accepts metadata without the optional environment fields', () => {
    const nb = clone(notebookExample);
    delete nb.environment.ipykernel;
    delete nb.environment.strace;
    expect(validateNotebookMetadata(nb)).toEqual({ ok: true });
  });

  it('accepts any 1.x.y spec version and rejects other majors and non-semver', () => {
    for (const v of ['1.0.0', '1.2.0', '1.0.13']) {
      expect(validateNotebookMetadata({ ...notebookExample, spec_version: v }).ok).toBe(true);
    }
    for (const v of ['2.0.0', '1.0', 'v1.0.0', '01.0.0']) {
      expect(errorsOf(validateNotebookMetadata({ ...notebookExample, spec_version: v }))[0]).toMatch(/^\/spec_version: must match/);
    }
  });

  it('names each missing required property', () => {
    const nb = clone(notebookExample) as Partial<RetraceNotebookMetadata>;
    delete nb.spec_version;
    delete (nb.audit as Partial<RetraceNotebookMetadata['audit']>).session;
    const errors = errorsOf(validateNotebookMetadata(nb));
    expect(errors).toContain('(root): missing required property "spec_version"');
    expect(errors).toContain('/audit: missing required property "session"');
  });

  it('rejects unknown keys at the top level and inside', () => {
    const errors = errorsOf(validateNotebookMetadata({ ...notebookExample, extra: 1, environment: { ...notebookExample.environment, os: 'x' } }));
    expect(errors).toContain('(root): unknown property "extra" (spec 1.2.0 allows no extra keys here)');
    expect(errors).toContain('/environment: unknown property "os" (spec 1.2.0 allows no extra keys here)');
  });

  it('says when unknown keys may come from a newer minor spec version', () => {
    const errors = errorsOf(validateNotebookMetadata({ ...notebookExample, spec_version: '1.3.0', extra: 1 }));
    expect(errors[0]).toMatch(/unknown property "extra"/);
    expect(errors[1]).toMatch(/spec_version 1\.3\.0, newer than the 1\.2\.0/);
  });

  it('rejects timestamps that are not ISO 8601 with an offset', () => {
    for (const t of ['yesterday', '2025-01-31 09:12:03Z', '2025-01-31T09:12:03']) {
      const nb = clone(notebookExample);
      nb.audit.started_at = t;
      expect(errorsOf(validateNotebookMetadata(nb))[0]).toMatch(/^\/audit\/started_at: must match .*got "/);
    }
  });

  it('rejects non-objects and empty strings', () => {
    expect(errorsOf(validateNotebookMetadata(null))).toEqual(['(root): must be object, got null']);
    expect(errorsOf(validateNotebookMetadata([]))).toEqual(['(root): must be object, got array']);
    const nb = clone(notebookExample);
    nb.environment.python = '';
    expect(errorsOf(validateNotebookMetadata(nb))).toEqual(['/environment/python: must not be empty']);
  });
});

describe('validateCellMetadata', () => {
  it('accepts every status and a null execution count', () => {
    for (const status of ['complete', 'error', 'incomplete'] as const) {
      expect(validateCellMetadata({ ...cellExample, status, execution_count: null })).toEqual({ ok: true });
    }
  });

  it('accepts a file record with only a path, and every note', () => {
    for (const note of ['deleted', 'unreadable', 'changed-before-hashed', 'too-large', 'directory']) {
      const cell = clone(cellExample);
      cell.files.read = [{ path: 'a.csv' }, { path: '/abs/b', note: note as never, size: 0 }];
      expect(validateCellMetadata(cell)).toEqual({ ok: true });
    }
  });

  it('requires code_hash', () => {
    const cell = clone(cellExample) as Partial<RetraceCellMetadata>;
    delete cell.code_hash;
    expect(errorsOf(validateCellMetadata(cell))).toEqual(['(root): missing required property "code_hash"']);
  });

  it('requires every other field too', () => {
    for (const key of Object.keys(cellExample)) {
      const cell = clone(cellExample) as unknown as Record<string, unknown>;
      delete cell[key];
      expect(errorsOf(validateCellMetadata(cell))).toEqual([`(root): missing required property "${key}"`]);
    }
  });

  it('rejects bad digests wherever they are, saying what a digest is', () => {
    const bad = [
      'sha256:' + 'A'.repeat(64), // uppercase
      'sha256:' + 'a'.repeat(63), // short
      'a'.repeat(64), // no prefix
      'md5:' + 'a'.repeat(32)
    ];
    for (const d of bad) {
      const cell = clone(cellExample);
      cell.code_hash = d;
      cell.files.read[0].sha256 = d;
      cell.log.events_sha256 = d;
      const errors = errorsOf(validateCellMetadata(cell));
      const what = `must be a digest, "sha256:" followed by 64 lowercase hex digits, got ${JSON.stringify(d)}`;
      expect(errors).toEqual([`/code_hash: ${what}`, `/files/read/0/sha256: ${what}`, `/log/events_sha256: ${what}`]);
    }
  });

  it('rejects an unknown status, listing the allowed ones', () => {
    expect(errorsOf(validateCellMetadata({ ...cellExample, status: 'done' }))).toEqual([
      '/status: must be one of "complete", "error", "incomplete", got "done"'
    ]);
  });

  it('rejects an unknown file note', () => {
    const cell = clone(cellExample);
    (cell.files.written[0] as { note?: string }).note = 'gone';
    expect(errorsOf(validateCellMetadata(cell))[0]).toMatch(/^\/files\/written\/0\/note: must be one of "deleted", /);
  });

  it('rejects wrong types with the path and the value found', () => {
    const cell = clone(cellExample) as unknown as Record<string, unknown>;
    cell.execution_count = '3';
    cell.duration_ms = '812';
    cell.programs = '/usr/bin/git';
    cell.counts = { ...cellExample.counts, events: 2.5 };
    cell.log = { ...cellExample.log, seq: -1 };
    expect(errorsOf(validateCellMetadata(cell))).toEqual([
      '/execution_count: must be integer or null, got string "3"',
      '/duration_ms: must be number, got string "812"',
      '/programs: must be array, got string "/usr/bin/git"',
      '/counts/events: must be integer, got number 2.5',
      '/log/seq: must be >= 0, got -1'
    ]);
  });

  it('rejects a files object without read or written', () => {
    const cell = clone(cellExample) as unknown as { files: Record<string, unknown> };
    delete cell.files.written;
    expect(errorsOf(validateCellMetadata(cell))).toEqual(['/files: missing required property "written"']);
  });

  it('rejects unknown keys at every level (the spec is strict)', () => {
    const cell = clone(cellExample) as unknown as Record<string, any>;
    cell.notes = 'hi';
    cell.files.deleted = [];
    cell.files.read[0].mtime = 1;
    cell.counts.threads = 3;
    cell.log.path = '/x';
    const suffix = '(spec 1.2.0 allows no extra keys here)';
    expect(errorsOf(validateCellMetadata(cell))).toEqual([
      `(root): unknown property "notes" ${suffix}`,
      `/files: unknown property "deleted" ${suffix}`,
      `/files/read/0: unknown property "mtime" ${suffix}`,
      `/counts: unknown property "threads" ${suffix}`,
      `/log: unknown property "path" ${suffix}`
    ]);
  });

  it('rejects relative program paths, malformed endpoints and repeats', () => {
    const errors = errorsOf(
      validateCellMetadata({
        ...cellExample,
        programs: ['git', '/usr/bin/git', '/usr/bin/git'],
        network: ['127.0.0.1:80']
      })
    );
    expect(errors).toEqual([
      '/programs/0: must match ^/, got "git"',
      '/programs: must not repeat entries (items 1 and 2 are equal)',
      '/network/0: must match ^[a-z][a-z0-9]*:.+$, got "127.0.0.1:80"'
    ]);
  });

  it('is not fooled by notebook metadata, nor the other way round', () => {
    expect(errorsOf(validateCellMetadata(notebookExample))).toContain('(root): missing required property "code_hash"');
    expect(errorsOf(validateNotebookMetadata(cellExample))).toContain('(root): missing required property "spec_version"');
  });

  it('shortens long values in messages', () => {
    const [message] = errorsOf(validateCellMetadata({ ...cellExample, lineage: 'x'.repeat(500) }));
    expect(message.length).toBeLessThan(200);
    expect(message).toMatch(/\.\.\.$/);
  });
});
