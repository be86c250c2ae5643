/**
 * The Dependencies panel lists the current notebook's Python distributions and data
 * files as its cells finish on the audit kernel, for all cells or the active one,
 * and filters each table.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import { closeSessions, createNotebook, DATA_FILE, runAudited, SOURCES } from './audited-notebook';
import { AUDIT_KERNEL_DISPLAY, selectKernel } from './helpers';

// Real kernels API (galata's mock mishandles some answers, see audit-kernel.spec.ts).
test.use({ kernels: null, sessions: null });
test.afterEach(async ({ request, tmpPath }) => closeSessions(request, tmpPath));

const PANEL_ID = 'jp-retrace-dependencies';

async function openPanel(page: Page): Promise<Locator> {
  const tab = page.getByRole('tab', { name: 'Dependencies' });
  await expect(tab).toHaveAttribute('data-id', PANEL_ID);
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel).toBeVisible();
  return panel;
}

/** The rows of one table, as text. */
const rows = (panel: Locator, table: string) => panel.locator(`section[data-table="${table}"] tbody tr.jp-retrace-deps-row:not([hidden])`);

test('lists numpy and the data file a notebook used, per cell too', async ({ page, request, tmpPath }) => {
  test.setTimeout(150_000);
  // Looking pip's version up reads its metadata, not its code: present, not imported.
  const sources = [`${SOURCES[0]}\nimport importlib.metadata\n_ = importlib.metadata.version('pip')`, SOURCES[1]];
  await createNotebook(page, request, tmpPath, 'deps.ipynb', sources);
  // Before the sidebar takes room: with both sidebars open the kernel name moves
  // into the toolbar's overflow menu.
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);

  const panel = await openPanel(page);
  await expect(panel.locator('.jp-retrace-deps-notebook')).toHaveText(`${tmpPath}/deps.ipynb`);
  await expect(panel.getByRole('status')).toHaveText('Not audited yet: run the notebook with the Python 3 (audit) kernel');
  await expect(panel.locator('.jp-retrace-deps-tables')).toBeHidden();

  // The panel fills in as the cells finish, without being asked.
  const version = await runAudited(page);
  const numpy = rows(panel, 'python').filter({ has: page.locator('td:first-child', { hasText: /^numpy$/ }) });
  await expect(numpy).toHaveCount(1, { timeout: 30_000 });
  await expect(numpy.locator('td').nth(1)).toHaveText(version);
  await expect(numpy.locator('td').nth(2)).toHaveText(/^[1-9]\d*$/);
  await expect(panel.getByRole('status')).toHaveText(/^All cells: 2 executions/);
  const data = rows(panel, 'read').filter({ hasText: DATA_FILE });
  await expect(data).toHaveCount(1);
  await expect(data.locator('td').nth(1)).toHaveText('12 B');
  await expect(data.locator('td').nth(2)).toHaveText(/^[0-9a-f]{12}$/);
  await expect(panel.locator('section[data-table="written"] tr.jp-retrace-deps-empty')).toHaveText('None');

  // pip is apart from the imported distributions, collapsed until asked for.
  await expect(rows(panel, 'python').filter({ has: page.locator('td:first-child', { hasText: /^pip$/ }) })).toHaveCount(0);
  const present = panel.locator('details.jp-retrace-deps-present');
  await expect(present).toHaveJSProperty('open', false);
  await expect(present.locator('summary')).toHaveText(/^Python distributions present, not imported \([1-9]\d*\)$/);
  await present.locator('summary').click();
  const pip = rows(panel, 'python-present').filter({ has: page.locator('td:first-child', { hasText: /^pip$/ }) });
  await expect(pip).toHaveCount(1);
  // The kernel agent lists site-packages as it loads (it prepares traceback formatting).
  await expect(pip.locator('td').first()).toHaveAttribute('title', /first seen at kernel start-up$/);

  // Each table filters on its own.
  const filter = panel.getByRole('searchbox', { name: 'Filter python distributions imported' });
  await filter.fill('nump');
  await expect(rows(panel, 'python')).toHaveCount(1);
  await expect(panel.locator('section[data-table="python"] h4')).toHaveText(/^Python distributions imported \(1 of \d+\)$/);
  await filter.fill('no-such-distribution');
  await expect(rows(panel, 'python')).toHaveCount(0);
  await expect(panel.locator('section[data-table="python"] tr.jp-retrace-deps-empty')).toHaveText('No match');
  await expect(rows(panel, 'read')).toHaveCount(1);
  await filter.fill('');

  // "This cell", from the keyboard: the active cell's latest execution only.
  await page.notebook.selectCells(1);
  const thisCell = panel.getByRole('button', { name: 'This cell' });
  await thisCell.focus();
  await page.keyboard.press('Enter');
  await expect(thisCell).toHaveAttribute('aria-pressed', 'true');
  await expect(panel.getByRole('status')).toHaveText('This cell, as it last ran [2].');
  await expect(rows(panel, 'read').filter({ hasText: DATA_FILE })).toHaveCount(1);
  await expect(rows(panel, 'python').filter({ hasText: /^numpy/ })).toHaveCount(0);
  await page.notebook.selectCells(0);
  await expect(panel.getByRole('status')).toHaveText('This cell, as it last ran [1].');
  await expect(rows(panel, 'python').filter({ has: page.locator('td:first-child', { hasText: /^numpy$/ }) })).toHaveCount(1);
  await expect(panel.locator('section[data-table="read"] tr.jp-retrace-deps-empty')).toHaveText('None');

  await panel.getByRole('button', { name: 'All cells' }).click();
  await expect(rows(panel, 'read').filter({ hasText: DATA_FILE })).toHaveCount(1);
});

test('opens from the command palette', async ({ page }) => {
  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#command-palette');
  await expect(palette).toBeVisible();
  await palette.locator('.lm-CommandPalette-input').fill('Show Dependencies');
  const item = palette.locator('.lm-CommandPalette-item', { hasText: 'Show Dependencies' });
  await expect(item).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page.locator(`#${PANEL_ID}`)).toBeVisible();
  await expect(page.locator(`#${PANEL_ID}`).getByRole('status')).toHaveText('Open a notebook to see its dependencies.');
});
