/**
 * Lineage with a Dask cluster whose workers start on their own clock: a cell that
 * scales the cluster, audited twice while the CPUs are saturated, gives the same
 * lineage for every cell; a worker task reading changed data moves the lineage of
 * its cell and not of the cells before it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCpuHogs } from './cpu-hogs';
import { retrace } from './jupyter-server';

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((source, i) => ({ id: `cell-${i + 1}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
  });
}

const CLUSTER = [
  'from dask.distributed import LocalCluster, Client\ncluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)\nclient = Client(cluster)'
];
const TOTAL = "def total(path):\n    return sum(int(v) for v in open(path).read().split())\nprint(client.submit(total, 'values.txt', pure=False).result())";
const CLOSE = 'client.close()\ncluster.close()';

/** Workers come up during the cells after `scale`, sooner or later depending on load. */
const SCALING = [
  ...CLUSTER,
  'cluster.scale(6)',
  'print(sum(client.gather(client.map(lambda x: x * x, range(200)))))',
  TOTAL,
  "client.wait_for_workers(6)\nprint(len(client.scheduler_info()['workers']))",
  'cluster.scale(2)',
  'print(sorted(client.gather(client.map(lambda x: -x, range(20)))))',
  CLOSE
];

async function audit(dir: string, name: string) {
  const r = await retrace(['audit', name, '-o', `audited-${name}`], dir, join(dir, `.retrace-${name}`), 300_000);
  expect(r.status, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
  const cells = JSON.parse(readFileSync(join(dir, `audited-${name}`), 'utf8')).cells;
  expect(cells.flatMap((c: any) => c.outputs).filter((o: any) => o.output_type === 'error')).toEqual([]);
  return cells.map((c: any) => c.metadata.retrace.lineage as string);
}

describe('lineage with Dask workers', () => {
  it('is the same for every cell of a notebook that scales its cluster, audited twice on saturated CPUs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retrace-it-scale-'));
    writeFileSync(join(dir, 'values.txt'), Array.from({ length: 1000 }, (_, i) => i).join('\n'));
    writeFileSync(join(dir, 'a.ipynb'), notebook(SCALING));
    writeFileSync(join(dir, 'b.ipynb'), notebook(SCALING));
    const hogs = startCpuHogs(400);
    try {
      // side by side: each audit also loads the machine for the other
      const [a, b] = await Promise.all([audit(dir, 'a.ipynb'), audit(dir, 'b.ipynb')]);
      expect(b).toEqual(a);
    } finally {
      hogs.stop();
    }
  }, 420_000);

  it('moves the lineage of the cell whose worker task read changed data, and not of the cells before it', async () => {
    const cells = [...CLUSTER, 'print(sum(client.gather(client.map(lambda x: x + 1, range(50)))))', TOTAL, CLOSE];
    const runs: string[][] = [];
    for (const content of ['1\n2\n3\n', '1\n2\n4\n']) {
      const dir = mkdtempSync(join(tmpdir(), 'retrace-it-worker-read-'));
      writeFileSync(join(dir, 'values.txt'), content);
      writeFileSync(join(dir, 'n.ipynb'), notebook(cells));
      runs.push(await audit(dir, 'n.ipynb'));
    }
    const [a, b] = runs;
    expect(b.slice(0, 2)).toEqual(a.slice(0, 2));
    expect(b[2]).not.toBe(a[2]);
    expect(b[3]).not.toBe(a[3]);
  }, 420_000);
});
