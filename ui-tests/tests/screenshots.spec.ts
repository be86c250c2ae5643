/**
 * Screenshots for the README. Only run with RETRACE_SCREENSHOTS=1 (see
 * playwright.config.ts), so ordinary test runs never write into the repository:
 *   RETRACE_SCREENSHOTS=1 npx playwright test screenshots
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import { AUDIT_KERNEL_DISPLAY, openProvenancePanel, selectKernel, waitForReport } from './helpers';

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

// Start at the server's root, which lists the example notebooks, and create no
// per-test folder there (it would show in the picture).
test.use({ viewport: { width: 1440, height: 900 }, tmpPath: '', autoGoto: false, kernels: null, sessions: null });

/** Open an example, run it under the audit kernel, and wait until every cell's badge says audited; the badges. */
async function auditExample(page: IJupyterLabPageFixture, notebook: string) {
  await page.goto();
  await page.filebrowser.open(notebook);
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);
  await page.notebook.run();
  const badges = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-retrace-badge');
  const count = await badges.count();
  for (let i = 0; i < count; i++) await expect(badges.nth(i)).toHaveText(/^audited /, { timeout: 60_000 });
  return { badges, count };
}

/** docs/images/<name>, checked to hold a real picture. */
async function saveScreenshot(page: IJupyterLabPageFixture, name: string): Promise<void> {
  fs.mkdirSync(IMAGES, { recursive: true });
  const file = path.join(IMAGES, name);
  await page.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeGreaterThan(20_000);
}

test('screenshot: the Provenance panel next to an example notebook', async ({ page }) => {
  await page.goto();
  await page.filebrowser.open('image-convolution.ipynb');
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);

  const panel = await openProvenancePanel(page);
  await page.sidebar.setWidth(380, 'right');
  const report = await waitForReport(panel);
  await expect(report.locator('.jp-retrace-readiness-ok')).toContainText(['Audit: ready']);
  await expect(page.locator('#jp-main-statusbar')).toContainText('Idle');

  await saveScreenshot(page, 'provenance-panel.png');
});

test('screenshot: badges on audited cells and a cell provenance', async ({ page }) => {
  test.setTimeout(180_000);
  await auditExample(page, 'climate-trends.ipynb');

  // The cell that fans the per-region trend fits out to the workers reads every region file.
  const reader = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell', { hasText: 'client.submit(region_trend' }).first();
  await reader.scrollIntoViewIfNeeded();
  fs.mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: path.join(IMAGES, 'cell-badges.png') });
  await reader.locator('.jp-retrace-badge').click();
  await expect(page.getByRole('dialog')).toContainText('Data files read');
  await page.screenshot({ path: path.join(IMAGES, 'cell-provenance.png') });
});

test('screenshot: the Dependencies panel next to an audited example notebook', async ({ page }) => {
  test.setTimeout(180_000);
  await auditExample(page, 'climate-trends.ipynb');

  await page.getByRole('tab', { name: 'Dependencies' }).click();
  const panel = page.locator('#jp-retrace-dependencies');
  await page.sidebar.setWidth(440, 'right');
  await expect(panel.getByRole('status')).toHaveText(/^All cells: /, { timeout: 30_000 });
  // The cell that fans the per-region trend fits out to the workers: what it alone used.
  const reader = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell', { hasText: 'client.submit(region_trend' }).first();
  await reader.scrollIntoViewIfNeeded();
  await reader.locator('.jp-InputPrompt').click();
  await panel.getByRole('button', { name: 'This cell' }).click();
  await expect(panel.getByRole('status')).toHaveText(/^This cell, as it last ran/);
  await expect(panel.locator('section[data-table="read"] tr.jp-retrace-deps-row').first()).toBeVisible();
  await expect(page.locator('#jp-main-statusbar')).toContainText('Idle');

  await saveScreenshot(page, 'dependency-panel.png');
});

test('screenshot: every cell of an example notebook reproduced in its container', async ({ page }) => {
  test.setTimeout(420_000);
  const { badges, count } = await auditExample(page, 'hep-dimuon.ipynb');

  const toolbar = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar');
  await toolbar.getByRole('button', { name: 'Package' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Packaged hep-dimuon.ipynb', { timeout: 240_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  const toasts = page.locator('.Toastify__toast');
  for (const close of await toasts.getByRole('button', { name: 'Dismiss notification' }).all()) await close.click().catch(() => undefined);

  await toolbar.getByRole('button', { name: 'Reproduce' }).click();
  for (let i = 0; i < count; i++) await expect(badges.nth(i)).toHaveText('reproduced', { timeout: 120_000 });
  const status = page.locator('#jp-main-statusbar .jp-retrace-reproduce-status');
  await expect(status).toHaveText(`${count} of ${count} cells reproduced (0 changed, 0 diverged, 0 failed)`, { timeout: 30_000 });
  await expect(page.locator('#jp-main-statusbar')).toContainText('Idle');

  // From the top: the toolbar's Reproduce and the repeat kernel, the first cells' badges.
  await page
    .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')
    .first()
    .evaluate(cell => cell.scrollIntoView({ block: 'start' }));
  await saveScreenshot(page, 'reproduce.png');
});
