/**
 * Three notebooks of tests/corpus through audit, package and repeat, with the verdicts
 * tests/corpus/corpus.json expects: an nbformat 4.4 notebook without cell ids that must
 * reproduce cell for cell (strict), one with unseeded randomness whose first cell
 * reading unseeded state (and every cell after it) must diverge while `--strict` exits 1,
 * and one whose matplotlib builds its font cache at audit only (layered).
 * The interpreter here is .venv's and stays in place: tests/corpus/run is the harness
 * that hides the user's venv, over all eight notebooks.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run, VENV_BIN } from './jupyter-server';

const CORPUS = join(REPO, 'tests', 'corpus');
const entries: Array<{
  folder: string;
  notebook: string;
  cells: number;
  expect?: Record<string, { verdict: string }>;
  outputsDiffer?: Record<string, string>;
}> = JSON.parse(readFileSync(join(CORPUS, 'corpus.json'), 'utf8')).notebooks;

/** A fresh HOME too: matplotlib's and fontconfig's caches are built as on a first run. */
function retraceIn(dir: string, root: string, args: string[]) {
  return run(join(VENV_BIN, 'retrace'), args, {
    cwd: dir,
    env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, HOME: join(root, 'home'), RETRACE_HOME: join(root, 'retrace-home') },
    timeoutMs: 300_000
  });
}

const codeCells = (file: string) => JSON.parse(readFileSync(file, 'utf8')).cells.filter((c: any) => c.cell_type === 'code');

describe('corpus notebooks audit, package and repeat strictly with the expected verdicts', () => {
  // pipeline-diagram: matplotlib runs fc-list on the fresh HOME's cold cache at audit, not at
  // a layered repeat that sees the cache the audit built (a cache is not an input).
  for (const [folder, mode] of [
    ['sales-report', 'strict'],
    ['random-draws', 'strict'],
    ['pipeline-diagram', 'layered']
  ] as const) {
    const entry = entries.find(e => e.folder === folder)!;
    const expected = Array.from({ length: entry.cells }, (_, i) => entry.expect?.[String(i + 1)]?.verdict ?? 'reproduced');

    it(`${folder} (${mode}): ${expected.join(', ')}`, async () => {
      const root = mkdtempSync(join(tmpdir(), `retrace-it-corpus-${folder}-`));
      const auditDir = join(root, 'audit');
      cpSync(join(CORPUS, folder), auditDir, { recursive: true });
      mkdirSync(join(root, 'home'));

      const audit = await retraceIn(auditDir, root, ['audit', entry.notebook]);
      expect(audit.status, audit.stdout + audit.stderr).toBe(0);
      const audited = codeCells(join(auditDir, entry.notebook));
      expect(audited.map((c: any) => c.metadata.retrace?.status)).toEqual(expected.map(() => 'complete'));

      const archive = join(root, 'nb.retrace.tar.gz');
      const pack = await retraceIn(auditDir, root, ['package', entry.notebook, '-o', archive]);
      expect(pack.status, pack.stderr).toBe(0);

      // A collaborator's folder: only the audited notebook; the shipped inputs come from the container.
      const repeatDir = join(root, 'repeat');
      mkdirSync(repeatDir);
      cpSync(join(auditDir, entry.notebook), join(repeatDir, entry.notebook));
      const rep = await retraceIn(repeatDir, root, ['repeat', entry.notebook, '--container', archive, ...(mode === 'strict' ? ['--strict'] : [])]);
      const verdicts = codeCells(join(repeatDir, entry.notebook)).map((c: any) => c.metadata.retrace?.verdict);
      const shown = verdicts.map((v: any, i: number) => `${i + 1} ${v?.status}: ${v?.reason}`).join('\n');
      expect(
        verdicts.map((v: any) => v?.status),
        `${shown}\n${rep.stdout}${rep.stderr}`
      ).toEqual(expected);
      // Outputs are the audit's except where the notebook prints unseeded numbers.
      const outputsDiffer = verdicts.map((v: any, i: number) => (v?.outputs?.same === false ? i + 1 : undefined)).filter(Boolean);
      expect(outputsDiffer).toEqual(Object.keys(entry.outputsDiffer ?? {}).map(Number));
      expect(rep.status, rep.stdout).toBe(expected.some(v => v !== 'reproduced') ? 1 : 0);
    }, 600_000);
  }
});
