/**
 * A user opens an example notebook, switches it to the audit kernel through the
 * kernel selector, runs cells, interrupts a long cell and restarts the kernel, all
 * from the UI, with the kernel running under strace.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { AUDIT_KERNEL_DISPLAY, AUDIT_KERNEL_NAME, kernelStatus, notebookToolbar, selectKernel } from './helpers';

const NOTEBOOK = 'image-convolution.ipynb';

// Galata proxies the kernels and sessions REST API through its own route handler to
// track what a test starts, and that handler fails on the empty 204 answer of
// POST /api/kernels/<id>/interrupt ("Unexpected end of JSON input", galata 5.5.11,
// jupyterlab/jupyterlab#16954): the interrupt request never completes. Use the
// server unmocked here and shut down this test's sessions ourselves.
test.use({ kernels: null, sessions: null });

test.afterEach(async ({ request, tmpPath }) => {
  const sessions = await (await request.get('/api/sessions')).json();
  for (const session of sessions as Array<{ id: string; path: string }>) {
    if (session.path.startsWith(`${tmpPath}/`)) {
      await request.delete(`/api/sessions/${session.id}`);
    }
  }
});

async function cell(page: IJupyterLabPageFixture, index: number): Promise<Locator> {
  const locator = await page.notebook.getCellLocator(index);
  expect(locator, `cell ${index}`).not.toBeNull();
  return locator!;
}

/** A cell's standard output (its other outputs, e.g. library warnings, vary by machine). */
function stdout(cellLocator: Locator): Locator {
  return cellLocator.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]');
}

/** The kernel that the open notebook is connected to, as the frontend knows it. */
function currentKernel(page: IJupyterLabPageFixture): Promise<{ id: string; name: string } | null> {
  return page.evaluate(() => {
    const kernel = (window as any).jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;
    return kernel ? { id: kernel.id, name: kernel.name } : null;
  });
}

test('run, interrupt and restart the audit kernel from the notebook UI', async ({ page, request, tmpPath }) => {
  // Two kernel starts, heavy imports and a four-worker Dask cluster, all under
  // strace -f: about 50 s on an idle 2-core machine, twice that when it is busy.
  test.setTimeout(180_000);
  // The server's root holds the copies of the example notebooks; work on a copy of one
  // in this test's folder (which the file browser shows), so the test leaves no trace.
  expect(await page.contents.fileExists(NOTEBOOK)).toBe(true);
  const copy = await request.post(`/api/contents/${tmpPath}`, { data: { copy_from: NOTEBOOK } });
  expect(copy.status()).toBe(201);
  await page.filebrowser.refresh();
  await page.filebrowser.open(`${tmpPath}/${NOTEBOOK}`);
  expect(await page.notebook.isActive(NOTEBOOK)).toBe(true);

  // Choose the audit kernel in the kernel selector dialog.
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);

  // The frontend is connected to an audit kernel, and the companion has its audited session.
  const kernel = await currentKernel(page);
  expect(kernel?.name).toBe(AUDIT_KERNEL_NAME);
  const auditSession = async () => {
    const response = await request.get(`/retrace-companion/api/sessions/${kernel!.id}`);
    expect(response.status()).toBe(200);
    return response.json();
  };
  const first = await auditSession();
  expect(first).toMatchObject({ id: kernel!.id, kind: 'audit', audited: true });
  expect(first.launcherPid).toBeGreaterThan(0);

  // The first code cells: the imports, then a local Dask cluster of four worker processes.
  expect(await page.notebook.getCellType(1)).toBe('code');
  expect(await page.notebook.runCell(1, true)).toBe(true);
  await expect((await cell(page, 1)).locator('.jp-InputPrompt')).toHaveText('[1]:');
  await expect((await cell(page, 1)).locator('.jp-OutputArea-output')).toHaveCount(0);
  expect(await page.notebook.getCellType(3)).toBe('code');
  expect(await page.notebook.runCell(3, true)).toBe(true);
  await expect(stdout(await cell(page, 3))).toHaveText('workers: 4');
  // ...and the notebook's last cell, which shuts the cluster down. (An interrupt
  // signals the kernel's whole process group, so it would also kill live Dask
  // workers, as with the stock ipykernel; this test is about the kernel.)
  const count = await page.notebook.getCellCount();
  await expect((await cell(page, count - 1)).locator('.jp-InputArea')).toContainText('cluster.close()');
  expect(await page.notebook.runCell(count - 1, true)).toBe(true);
  await expect(stdout(await cell(page, count - 1))).toHaveText('cluster closed');

  // A long cell at the end, interrupted from the toolbar.
  expect(await page.notebook.addCell('code', 'import time; time.sleep(60)')).toBe(true);
  const sleeper = await cell(page, count);
  await page.notebook.selectCells(count);
  await page.keyboard.press('Control+Enter');
  await expect(sleeper.locator('.jp-InputPrompt')).toHaveText('[*]:');
  await expect(kernelStatus(page)).toHaveAttribute('data-status', 'busy');
  await notebookToolbar(page).getByRole('button', { name: 'Interrupt the kernel' }).click();
  await expect(sleeper.locator('.jp-OutputArea-output', { hasText: 'KeyboardInterrupt' })).toHaveCount(1, {
    timeout: 30_000
  });
  await expect(kernelStatus(page)).toHaveAttribute('data-status', 'idle');
  await expect(sleeper.locator('.jp-InputPrompt')).toHaveText('[4]:');
  // Same kernel, same launcher: the interrupt stopped the cell, not the kernel.
  expect(await currentKernel(page)).toEqual(kernel);
  expect((await auditSession()).launcherPid).toBe(first.launcherPid);

  // Restart from the Kernel menu, confirming the dialog.
  await page.menu.clickMenuItem('Kernel>Restart Kernel…');
  const confirm = page.getByRole('dialog');
  await expect(confirm).toContainText('Restart Kernel?');
  await confirm.getByRole('button', { name: 'Confirm Kernel Restart' }).click();
  await expect(confirm).toHaveCount(0);
  // A new launcher (so a new traced kernel process) records the same session, audited.
  await expect.poll(async () => (await auditSession()).launcherPid, { timeout: 60_000 }).not.toBe(first.launcherPid);
  expect(await auditSession()).toMatchObject({ id: kernel!.id, audited: true });
  await expect(kernelStatus(page)).toHaveAttribute('data-status', 'idle', { timeout: 60_000 });

  // The fresh kernel runs a new cell; its execution count starts again at 1.
  expect(await page.notebook.addCell('code', 'print(6*7)')).toBe(true);
  expect(await page.notebook.runCell(count + 1, true)).toBe(true);
  const answer = await cell(page, count + 1);
  await expect(stdout(answer)).toHaveText('42');
  await expect(answer.locator('.jp-InputPrompt')).toHaveText('[1]:');
  expect(await currentKernel(page)).toEqual(kernel);
  await expect(page.locator('.jp-Notification-Toast, .Toastify__toast').filter({ hasText: /NOT being audited/ })).toHaveCount(0);
});
