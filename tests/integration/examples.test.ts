/**
 * The three example notebooks audit top to bottom under "Python 3 (audit)", their
 * Dask workers traced as children of the kernel. Each is audited twice at once while
 * CPU hogs saturate the machine (the two audits load it for each other too) and gets
 * the same lineage for every cell although workers, ports, scratch folders and the
 * timing of worker start-up change. Each packages into a container with its
 * dependencies reported, and one repeats from its container with every cell reproduced.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCpuHogs } from './cpu-hogs';
import { REPO, retrace } from './jupyter-server';

/** Repeating takes a minute per notebook: one is enough here (bench/repeat-overhead repeats them all). */
const REPEATED = 'image-convolution.ipynb';

const EXAMPLES = readdirSync(join(REPO, 'examples'))
  .filter(f => f.endsWith('.ipynb'))
  .sort();

const codeCells = (file: string) => JSON.parse(readFileSync(file, 'utf8')).cells.filter((c: any) => c.cell_type === 'code');

async function audit(dir: string, name: string) {
  const r = await retrace(['audit', name, '-o', 'audited.ipynb'], dir, join(dir, '.retrace'), 480_000);
  expect(r.status, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
  return codeCells(join(dir, 'audited.ipynb'));
}

function copyOf(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'retrace-it-example-'));
  cpSync(join(REPO, 'examples', name), join(dir, name));
  return dir;
}

describe('example notebooks under the audit kernel', () => {
  it('has the three use cases', () => {
    expect(EXAMPLES).toEqual(['climate-trends.ipynb', 'hep-dimuon.ipynb', 'image-convolution.ipynb']);
  });

  /** The first audit's folder of each example, packaged by the tests below. */
  const audited = new Map<string, string>();

  for (const name of EXAMPLES) {
    it(`audits ${name} twice at once on saturated CPUs with the same lineage for every cell`, async () => {
      const dirs = [copyOf(name), copyOf(name)];
      // A busy machine (a shared login node, a laptop mid-build): a hog per CPU beside two audits.
      const hogs = startCpuHogs(540, availableParallelism());
      let first: any[];
      let second: any[];
      try {
        [first, second] = await Promise.all(dirs.map(dir => audit(dir, name)));
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
      audited.set(name, dirs[0]);
    }, 600_000);
  }

  for (const name of EXAMPLES) {
    it(`packages ${name} with its dependencies${name === REPEATED ? ', and repeats it with every cell reproduced' : ''}`, async () => {
      const dir = audited.get(name);
      expect(dir, 'audited by the test above').toBeDefined();
      const home = join(dir!, '.retrace');
      const pack = await retrace(['package', 'audited.ipynb'], dir!, home);
      expect(pack.status, pack.stderr).toBe(0);
      expect(pack.stdout).toMatch(/Packed \d+ files/);
      const deps = JSON.parse((await retrace(['deps', 'audited.retrace.tar.gz', '--json'], dir!, home)).stdout);
      const python = deps.total.python.map((p: any) => p.name);
      expect(python).toEqual(expect.arrayContaining(['numpy', 'dask', 'distributed']));
      expect(deps.total.programs.length).toBeGreaterThan(0);

      if (name !== REPEATED) return;
      const rep = await retrace(['repeat', 'audited.ipynb', '-o', 'repeated.ipynb'], dir!, home);
      expect(rep.status, rep.stdout + rep.stderr).toBe(0);
      const verdicts = codeCells(join(dir!, 'repeated.ipynb')).map((c: any) => c.metadata.retrace.verdict.status);
      expect(verdicts).toEqual(codeCells(join(dir!, 'audited.ipynb')).map(() => 'reproduced'));
    }, 300_000);
  }
});
