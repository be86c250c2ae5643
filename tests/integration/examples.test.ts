/**
 * The three example notebooks audit top to bottom under "Python 3 (audit)", their
 * Dask workers traced as children of the kernel, and auditing twice while the CPUs
 * are saturated gives the same lineage for every cell although workers, ports,
 * scratch folders and the timing of worker start-up change. Each
 * packages into a container with its dependencies reported, and one repeats from its
 * container with every cell reproduced.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCpuHogs } from './cpu-hogs';
import { REPO, retrace } from './jupyter-server';

/** Repeating takes a minute per notebook: one is enough here (bench/repeat-overhead repeats them all). */
const REPEATED = 'image-convolution.ipynb';

const EXAMPLES = readdirSync(join(REPO, 'examples')).filter(f => f.endsWith('.ipynb')).sort();

async function audit(dir: string, name: string, output: string) {
  const r = await retrace(['audit', name, '-o', output], dir, join(dir, '.retrace'));
  expect(r.status, `${name}: ${r.stderr}`).toBe(0);
  return JSON.parse(readFileSync(join(dir, output), 'utf8')).cells.filter((c: any) => c.cell_type === 'code');
}

describe('example notebooks under the audit kernel', () => {
  it('has the three use cases', () => {
    expect(EXAMPLES).toEqual(['climate-trends.ipynb', 'hep-dimuon.ipynb', 'image-convolution.ipynb']);
  });

  for (const name of EXAMPLES) {
    it(`audits ${name} twice with the same lineage for every cell`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'retrace-it-example-'));
      cpSync(join(REPO, 'examples', name), join(dir, name));
      // Both audits on a busy machine (a shared login node, a laptop mid-build).
      const hogs = startCpuHogs(480);
      let first: any[];
      let second: any[];
      try {
        first = await audit(dir, name, 'first.ipynb');
        second = await audit(dir, name, 'second.ipynb');
      } finally {
        hogs.stop();
      }
      expect(first.flatMap((c: any) => c.outputs).filter((o: any) => o.output_type === 'error')).toEqual([]);
      expect(first.every((c: any) => c.metadata.retrace?.status === 'complete')).toBe(true);
      // the workers ran as traced processes: the cells that fan out see them
      expect(Math.max(...first.map((c: any) => c.metadata.retrace.counts.processes))).toBeGreaterThanOrEqual(5);
      // it shells out at least once
      expect(first.some((c: any) => c.metadata.retrace.programs.length > 0)).toBe(true);

      expect(second.map((c: any) => c.metadata.retrace.lineage)).toEqual(first.map((c: any) => c.metadata.retrace.lineage));

      const home = join(dir, '.retrace');
      const pack = await retrace(['package', 'first.ipynb'], dir, home);
      expect(pack.status, pack.stderr).toBe(0);
      expect(pack.stdout).toMatch(/Packed \d+ files/);
      const deps = JSON.parse((await retrace(['deps', 'first.retrace.tar.gz', '--json'], dir, home)).stdout);
      const python = deps.total.python.map((p: any) => p.name);
      expect(python).toEqual(expect.arrayContaining(['numpy', 'dask', 'distributed']));
      expect(deps.total.programs.length).toBeGreaterThan(0);

      if (name === REPEATED) {
        const rep = await retrace(['repeat', 'first.ipynb', '-o', 'repeated.ipynb'], dir, home);
        expect(rep.status, rep.stdout + rep.stderr).toBe(0);
        const repeated = JSON.parse(readFileSync(join(dir, 'repeated.ipynb'), 'utf8')).cells.filter((c: any) => c.cell_type === 'code');
        expect(repeated.map((c: any) => c.metadata.retrace.verdict.status)).toEqual(first.map(() => 'reproduced'));
      }
    }, 600_000);
  }
});
