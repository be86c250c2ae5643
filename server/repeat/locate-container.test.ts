import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateContainer, MODE_ENV, repeatMode } from './locate-container';

function notebookWith(container: object | undefined): { dir: string; notebook: string } {
  const dir = mkdtempSync(join(tmpdir(), 'retrace-locate-'));
  const notebook = join(dir, 'nb.ipynb');
  writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: container ? { retrace: { container } } : {}, cells: [] }));
  return { dir, notebook };
}

describe('the container and mode a repeat kernel runs with', () => {
  it('takes the archive the notebook names, else the one beside it', () => {
    const named = notebookWith({ archive: 'c/x.tar.gz' });
    expect(() => locateContainer({ JPY_SESSION_NAME: named.notebook }, '/')).toThrow('names the container');
    const plain = notebookWith(undefined);
    writeFileSync(join(plain.dir, 'nb.retrace.tar.gz'), '');
    expect(locateContainer({ JPY_SESSION_NAME: plain.notebook }, '/')).toBe(join(plain.dir, 'nb.retrace.tar.gz'));
  });

  it('takes the mode from the environment, else from the notebook (what the Reproduce button saves), else layered', () => {
    const strict = notebookWith({ archive: 'x.tar.gz', mode: 'strict' });
    expect(repeatMode({ JPY_SESSION_NAME: strict.notebook })).toBe('strict');
    expect(repeatMode({ JPY_SESSION_NAME: strict.notebook, [MODE_ENV]: 'layered' })).toBe('layered');
    expect(repeatMode({ JPY_SESSION_NAME: notebookWith({ archive: 'x', mode: 'layered' }).notebook })).toBe('layered');
    expect(repeatMode({ JPY_SESSION_NAME: join(strict.dir, 'missing.ipynb') })).toBe('layered');
    expect(repeatMode({})).toBe('layered');
    expect(() => repeatMode({ [MODE_ENV]: 'loose' })).toThrow('"layered" or "strict"');
  });
});
