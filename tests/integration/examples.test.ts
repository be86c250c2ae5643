/**
 * The three example notebooks run top to bottom under "Python 3 (audit)", with their
 * Dask workers traced as children of the kernel.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, VENV_BIN } from './jupyter-server';

const EXAMPLES = readdirSync(join(REPO, 'examples')).filter(f => f.endsWith('.ipynb'));

describe('example notebooks under the audit kernel', () => {
  it('has the three use cases', () => {
    expect(EXAMPLES.sort()).toEqual(['climate-trends.ipynb', 'hep-dimuon.ipynb', 'image-convolution.ipynb']);
  });

  for (const name of EXAMPLES) {
    it(`runs ${name} top to bottom with its workers traced`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'retrace-it-example-'));
      const home = join(dir, '.retrace');
      cpSync(join(REPO, 'examples', name), join(dir, name));
      execFileSync(
        join(VENV_BIN, 'jupyter'),
        ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=retrace-audit',
          '--ExecutePreprocessor.timeout=180', '--output', 'executed.ipynb', name],
        { cwd: dir, env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, RETRACE_HOME: home }, stdio: 'pipe', timeout: 240_000 }
      );
      const executed = JSON.parse(readFileSync(join(dir, 'executed.ipynb'), 'utf8'));
      const codeCells = executed.cells.filter((c: any) => c.cell_type === 'code');
      expect(codeCells.every((c: any) => typeof c.execution_count === 'number')).toBe(true);
      expect(codeCells.flatMap((c: any) => c.outputs).filter((o: any) => o.output_type === 'error')).toEqual([]);
      // No cell warned that it ran un-audited.
      expect(JSON.stringify(codeCells)).not.toContain('NOT being audited');

      const [session] = readdirSync(join(home, 'sessions'));
      const log = readFileSync(join(home, 'sessions', session, 'trace.log'), 'utf8');
      const pids = new Set(log.split('\n').map(l => l.split(' ')[0]).filter(Boolean));
      // the kernel, 4 worker processes, their nanny/spawn helpers and the shell-outs
      expect(pids.size).toBeGreaterThan(6);
      expect(log).toMatch(/execve\("[^"]*python[^"]*", \[[^\]]*(multiprocessing|spawn_main|forkserver)/);
    });
  }
});
