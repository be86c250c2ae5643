/**
 * The notebook toolbar's Reproduce button runs an audited, packaged notebook again on
 * the repeat kernel, inside its container: every cell gets a verdict badge as it
 * finishes, the notebook the run's summary. A notebook never audited, not packaged yet,
 * or whose sandbox cannot start gets a clear error instead; Choose Container… names
 * another archive.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';
import { closeSessions, createNotebook, DATA_FILE } from './audited-notebook';
import { AUDIT_KERNEL_DISPLAY, kernelStatus, notebookToolbar, selectKernel } from './helpers';

test.use({ kernels: null, sessions: null });
test.afterEach(async ({ request, tmpPath }) => closeSessions(request, tmpPath));

/** A data file read, and a `!` command: a program run from a cell, with its libraries. */
const REPRODUCE_SOURCES = [`rows = open('${DATA_FILE}').read().splitlines()\nprint(len(rows))`, `!wc -l ${DATA_FILE}`];

const toasts = (page: IJupyterLabPageFixture) => page.locator('.jp-Notification-Toast, .Toastify__toast');
const badges = (page: IJupyterLabPageFixture) => page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-retrace-badge');
const reproduceButton = (page: IJupyterLabPageFixture) => notebookToolbar(page).getByRole('button', { name: 'Reproduce' });

/** Run every cell on the audit kernel and wait until each is recorded. */
async function audit(page: IJupyterLabPageFixture, cells: number): Promise<void> {
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);
  for (let i = 0; i < cells; i++) expect(await page.notebook.runCell(i, true)).toBe(true);
  for (let i = 0; i < cells; i++) await expect(badges(page).nth(i)).toHaveText(/^audited /, { timeout: 30_000 });
}

/** Press Package and wait for the archive. */
async function packageIt(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await notebookToolbar(page).getByRole('button', { name: 'Package' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Packaged ${name}`, { timeout: 180_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
}

/**
 * Open `broken.ipynb`: audit metadata (all Reproduce asks of the notebook) and, beside
 * it, a "container" that is no archive.
 */
async function openBrokenNotebook(page: IJupyterLabPageFixture, request: APIRequestContext, tmpPath: string): Promise<void> {
  const put = (file: string, body: object) => request.put(`/api/contents/${tmpPath}/${file}`, { data: body });
  expect((await put('broken.retrace.tar.gz', { type: 'file', format: 'text', content: 'not a container' })).status()).toBe(201);
  const audit = { session: 'a1', started_at: '2025-01-31T09:12:03.512Z', kernel: 'retrace-audit', retrace_version: '0.1.0' };
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      retrace: { spec_version: '1.1.0', audit, environment: { python: '3.11.7', platform: 'Linux', machine: 'x86_64' } }
    },
    cells: [{ id: 'c0', cell_type: 'code', source: 'print(1)', metadata: {}, outputs: [], execution_count: null }]
  };
  expect((await put('broken.ipynb', { type: 'notebook', format: 'json', content: notebook })).status()).toBe(201);
  await page.filebrowser.refresh();
  await page.filebrowser.open(`${tmpPath}/broken.ipynb`);
}

const notebookMetadata = (page: IJupyterLabPageFixture) =>
  page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.content.model.getMetadata('retrace'));

test('reproduces an audited, packaged notebook in its container, cell by cell', async ({ page, request, tmpPath }) => {
  test.setTimeout(420_000);
  await createNotebook(page, request, tmpPath, 'repro.ipynb', REPRODUCE_SOURCES);
  await audit(page, REPRODUCE_SOURCES.length);

  // Audited but not packaged: nothing to run it in yet.
  await reproduceButton(page).click();
  const noContainer = toasts(page).filter({ hasText: 'Could not reproduce repro.ipynb' });
  await expect(noContainer).toContainText('it has no container yet: press Package first');
  await noContainer.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('dialog')).toContainText(`There is no ${tmpPath}/repro.retrace.tar.gz.`);
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(notebookToolbar(page).locator('.jp-Toolbar-kernelName')).toHaveText(AUDIT_KERNEL_DISPLAY);

  await packageIt(page, 'repro.ipynb');
  await reproduceButton(page).click();

  // The status bar says what is going on, from the kernel's start to the outcome.
  const status = page.locator('#jp-main-statusbar .jp-retrace-reproduce-status');
  await expect(status).toBeVisible();
  await expect(notebookToolbar(page).locator('.jp-Toolbar-kernelName')).toHaveText('Python 3 (repeat)', { timeout: 30_000 });
  for (let i = 0; i < REPRODUCE_SOURCES.length; i++) {
    // The first start of a repeat kernel unpacks and checks the container.
    await expect(badges(page).nth(i)).toHaveText('reproduced', { timeout: 90_000 });
    await expect(badges(page).nth(i)).toHaveAttribute('data-state', 'reproduced');
    // One word on one line, not cut short.
    expect(
      await badges(page)
        .nth(i)
        .evaluate(b => b.scrollWidth <= b.clientWidth && b.clientHeight < 20)
    ).toBe(true);
  }
  const summary = '2 of 2 cells reproduced (0 changed, 0 diverged, 0 failed)';
  await expect(status).toHaveText(summary, { timeout: 30_000 });
  await expect(status).toHaveAttribute('data-outcome', 'reproduced');
  await expect(toasts(page).filter({ hasText: `repro.ipynb: ${summary}` })).toHaveCount(1);
  await expect(kernelStatus(page)).toHaveAttribute('data-status', 'idle');
  // The `!` command ran in the container, on the notebook's folder.
  await expect((await page.notebook.getCellLocator(1))!.locator('.jp-OutputArea-output')).toContainText(`3 ${DATA_FILE}`);

  // The badge opens the verdict beside the audit's provenance.
  await badges(page).nth(1).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Repeat: reproduced');
  await expect(dialog).toContainText('same code, same lineage');
  await expect(dialog).toContainText('Output differences (0)');
  await expect(dialog).toContainText('Files taken from the host');
  await expect(dialog).toContainText(/Programs run \([1-9]/);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);

  // Saved: each cell's verdict beside its audit, the run's summary and container in the notebook.
  await page.notebook.save();
  const saved = (await (await request.get(`/api/contents/${tmpPath}/repro.ipynb`)).json()).content;
  for (const cell of saved.cells) {
    expect(cell.metadata.retrace.verdict).toMatchObject({ status: 'reproduced', outputs: { same: true } });
    expect(cell.metadata.retrace.lineage).toBe(cell.metadata.retrace.verdict.lineage);
  }
  const meta = saved.metadata.retrace;
  expect(meta.container).toEqual({ archive: 'repro.retrace.tar.gz', mode: 'layered' });
  expect(meta.repeat).toMatchObject({
    container: { archive: 'repro.retrace.tar.gz', sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), mode: 'layered' },
    summary: { total: 2, reproduced: 2, changed: 0, diverged: 0, failed: 0 }
  });
  const kernelId = await page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel.id);
  expect(meta.repeat.session).toBe(kernelId);
  expect(saved.metadata.kernelspec.name).toBe('retrace-repeat');

  // A verdict speaks for the source it judged: edit the cell and "edited since audit" wins;
  // run it again in the container and it is "changed", and the notebook's tally follows.
  await page.notebook.setCell(0, 'code', 'print("edited")');
  await expect(badges(page).nth(0)).toHaveText('edited since audit');
  await expect(badges(page).nth(1)).toHaveText('reproduced');
  expect(await page.notebook.runCell(0, true)).toBe(true);
  await expect(badges(page).nth(0)).toHaveText('changed', { timeout: 30_000 });
  await expect(badges(page).nth(0)).toHaveAttribute('aria-label', 'retrace: changed: the code was edited since the audit');
  await expect
    .poll(async () => (await notebookMetadata(page)).repeat.summary, { timeout: 20_000 })
    .toEqual({ total: 2, reproduced: 1, changed: 1, diverged: 0, failed: 0 });
});

test('shows why the repeat sandbox did not start', async ({ page, request, tmpPath }) => {
  await openBrokenNotebook(page, request, tmpPath);
  await reproduceButton(page).click();
  const toast = toasts(page).filter({ hasText: 'Could not reproduce broken.ipynb' });
  await expect(toast).toContainText('retrace could not start the repeat sandbox', { timeout: 60_000 });
  await expect(page.locator('#jp-main-statusbar .jp-retrace-reproduce-status')).toHaveAttribute('data-phase', 'failed');
  // No cell was run outside the container.
  await expect((await page.notebook.getCellLocator(0))!.locator('.jp-OutputArea-output')).toHaveCount(0);
  await toast.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('dialog')).toContainText('broken.retrace.tar.gz');
});

test('Choose Container… names another archive, if it is there', async ({ page, request, tmpPath }) => {
  await openBrokenNotebook(page, request, tmpPath);
  const choose = async (archive: string) => {
    // Not awaited in the page: the command resolves only once its dialog is answered.
    await page.evaluate(() => void (window as any).jupyterapp.commands.execute('retrace:choose-container'));
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Container for broken.ipynb');
    await expect(dialog.getByRole('textbox')).toHaveValue('broken.retrace.tar.gz');
    await dialog.getByRole('textbox').fill(archive);
    await dialog.getByRole('button', { name: 'Choose' }).click();
    await expect(dialog).toHaveCount(0);
  };
  await choose('elsewhere/none.tar.gz');
  await expect(toasts(page).filter({ hasText: `There is no file ${tmpPath}/elsewhere/none.tar.gz` })).toHaveCount(1);
  expect((await notebookMetadata(page)).container).toBeUndefined();
  await choose('./broken.retrace.tar.gz');
  await expect(toasts(page).filter({ hasText: 'broken.ipynb will be reproduced in broken.retrace.tar.gz' })).toHaveCount(1);
  expect((await notebookMetadata(page)).container).toEqual({ archive: 'broken.retrace.tar.gz' });
});

test('says clearly that a notebook never audited cannot be reproduced', async ({ page, request, tmpPath }) => {
  await createNotebook(page, request, tmpPath, 'fresh.ipynb', REPRODUCE_SOURCES);
  await reproduceButton(page).click();
  const toast = toasts(page).filter({ hasText: 'fresh.ipynb was never audited' });
  await expect(toast).toHaveCount(1, { timeout: 20_000 });
  await expect(toast).toContainText('audit and package it first');
  // Nothing was started: the notebook stays on its kernel, unchanged.
  await expect(notebookToolbar(page).locator('.jp-Toolbar-kernelName')).not.toHaveText('Python 3 (repeat)');
  await expect(page.locator('#jp-main-statusbar .jp-retrace-reproduce-status')).toBeHidden();
});
