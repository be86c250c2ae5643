/**
 * Cells run on the audit kernel get their retrace metadata and a badge as they finish;
 * the badge opens the cell's provenance, turns to "edited since audit" when the source
 * changes, and comes back from the saved metadata when the notebook is reopened.
 */
import { expect, test } from '@jupyterlab/galata';
import { AUDIT_KERNEL_DISPLAY, selectKernel } from './helpers';

// As in audit-kernel.spec.ts: talk to the real kernels API (galata's mock of it
// mishandles some answers) and clean up this test's sessions.
test.use({ kernels: null, sessions: null });

test.afterEach(async ({ request, tmpPath }) => {
  const sessions = await (await request.get('/api/sessions')).json();
  for (const session of sessions as Array<{ id: string; path: string }>) {
    if (session.path.startsWith(`${tmpPath}/`)) await request.delete(`/api/sessions/${session.id}`);
  }
});

const NOTEBOOK = 'badges.ipynb';
const SOURCES = ["rows = open('data.csv').read().splitlines()\nprint(len(rows))", "open('summary.txt', 'w').write(str(len(rows)))"];

test('audited cells get metadata and badges that survive reopening', async ({ page, request, tmpPath }) => {
  test.setTimeout(150_000);
  const put = (name: string, body: object) => request.put(`/api/contents/${tmpPath}/${name}`, { data: body });
  expect((await put('data.csv', { type: 'file', format: 'text', content: 'a,1\nb,2\nc,3\n' })).status()).toBe(201);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: SOURCES.map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
  };
  expect((await put(NOTEBOOK, { type: 'notebook', format: 'json', content: notebook })).status()).toBe(201);
  await page.filebrowser.refresh();
  await page.filebrowser.open(`${tmpPath}/${NOTEBOOK}`);

  const badges = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-retrace-badge');
  await expect(badges).toHaveCount(2);
  await expect(badges.first()).toHaveText('not audited');

  await selectKernel(page, AUDIT_KERNEL_DISPLAY);
  await page.notebook.runCell(0);
  await page.notebook.runCell(1);
  for (const i of [0, 1]) {
    await expect(badges.nth(i)).toHaveText(/^audited [0-9a-f]{8}$/, { timeout: 30_000 });
    await expect(badges.nth(i)).toHaveAttribute('data-state', 'audited');
  }

  // The badge opens the cell's provenance; the keyboard works too.
  await badges.first().focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Data files read (1)');
  await expect(dialog).toContainText('data.csv');
  await expect(dialog).toContainText(/Lineage\s*sha256:[0-9a-f]{64}/);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await badges.nth(1).click();
  await expect(page.getByRole('dialog')).toContainText('Data files written (1)');
  await expect(page.getByRole('dialog')).toContainText('summary.txt');
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

  // Editing the source flips the badge at once.
  await page.notebook.setCell(1, 'code', "open('summary.txt', 'w').write('changed')");
  await expect(badges.nth(1)).toHaveText('edited since audit');
  await expect(badges.nth(0)).toHaveText(/^audited /);

  // Saved with the notebook: valid metadata on disk, badges back after reopening.
  await page.notebook.save();
  const saved = await (await request.get(`/api/contents/${tmpPath}/${NOTEBOOK}`)).json();
  const meta = saved.content.cells[0].metadata.retrace;
  expect(meta.files.read).toEqual([expect.objectContaining({ path: 'data.csv', size: 12 })]);
  expect(meta.lineage).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(saved.content.metadata.retrace.audit.kernel).toBe('retrace-audit');
  const lineage = meta.lineage.slice(7, 15);
  await page.notebook.close();
  await page.filebrowser.open(`${tmpPath}/${NOTEBOOK}`);
  await expect(badges.nth(0)).toHaveText(`audited ${lineage}`);
  await expect(badges.nth(1)).toHaveText('edited since audit');
});
