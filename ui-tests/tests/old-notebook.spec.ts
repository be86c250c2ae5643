/**
 * An nbformat 4.4 notebook (no cell ids, as most notebooks in the wild) audited in
 * JupyterLab: JupyterLab alone would save it as 4.4 and drop the ids its cells ran
 * with, so a repeat could not match them. The saved notebook must be 4.5, with the
 * ids the audit's records carry.
 */
import { expect, test } from '@jupyterlab/galata';
import { AUDIT_KERNEL_DISPLAY, selectKernel } from './helpers';

// As in badges.spec.ts: the real kernels API, and this test's sessions cleaned up.
test.use({ kernels: null, sessions: null });

test.afterEach(async ({ request, tmpPath }) => {
  const sessions = await (await request.get('/api/sessions')).json();
  for (const session of sessions as Array<{ id: string; path: string }>) {
    if (session.path.startsWith(`${tmpPath}/`)) await request.delete(`/api/sessions/${session.id}`);
  }
});

const NOTEBOOK = 'old-format.ipynb';

test('an audited nbformat 4.4 notebook is saved as 4.5 with the ids its records carry', async ({ page, request, tmpPath }) => {
  test.setTimeout(150_000);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: [
      { cell_type: 'markdown', source: '# Written before cell ids', metadata: {} },
      { cell_type: 'code', source: 'x = 6 * 7\nprint(x)', metadata: {}, outputs: [], execution_count: null }
    ]
  };
  const put = await request.put(`/api/contents/${tmpPath}/${NOTEBOOK}`, { data: { type: 'notebook', format: 'json', content: notebook } });
  expect(put.status()).toBe(201);
  await page.filebrowser.refresh();
  await page.filebrowser.open(`${tmpPath}/${NOTEBOOK}`);

  await selectKernel(page, AUDIT_KERNEL_DISPLAY);
  await page.notebook.runCell(1);
  const badge = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-retrace-badge').first();
  await expect(badge).toHaveText(/^audited [0-9a-f]{8}$/, { timeout: 30_000 });
  // The notebook-level metadata follows the cell's (it asks the companion about the session).
  await page.waitForFunction(() => !!(window as any).jupyterapp.shell.currentWidget?.content?.model?.getMetadata('retrace')?.audit, undefined, {
    timeout: 30_000
  });
  await page.notebook.save();

  const saved = (await (await request.get(`/api/contents/${tmpPath}/${NOTEBOOK}`)).json()).content;
  expect(saved.nbformat_minor).toBe(5);
  const ids = saved.cells.map((c: any) => c.id);
  for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  const code = saved.cells[1];
  const { session, seq } = code.metadata.retrace.log;
  expect(saved.metadata.retrace.audit.session).toBe(session);
  // The execution's record names the id the notebook was saved with.
  const record = await request.get(`/retrace-companion/api/sessions/${session}/executions?cell_id=${code.id}&execution_count=${code.execution_count}`);
  expect(record.status()).toBe(200);
  expect(await record.json()).toMatchObject({ seq, cellId: code.id });
});
