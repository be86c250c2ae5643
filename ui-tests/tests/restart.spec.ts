/**
 * A kernel restart keeps the kernel's id, but starts a new run: every record shown and
 * saved after it must be the new run's, never the one before it with the same cell id
 * and execution count. And a new audit of a cell replaces the verdict a repeat gave it.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import { closeSessions, createNotebook } from './audited-notebook';
import { AUDIT_KERNEL_DISPLAY, kernelStatus, notebookToolbar, selectKernel } from './helpers';

test.use({ kernels: null, sessions: null });
test.afterEach(async ({ request, tmpPath }) => closeSessions(request, tmpPath));

/** A parameter, a file written from it, and a cell that prints the sha256 of the file it reads. */
const SOURCES = [
  'sigma = 1',
  "with open('blurred.txt', 'w') as f:\n    f.write(f'blurred with sigma {sigma}\\n')",
  "import hashlib\nprint(hashlib.sha256(open('blurred.txt', 'rb').read()).hexdigest())"
];
const HASHING_CELL = 2;

const badges = (page: IJupyterLabPageFixture) => page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-retrace-badge');
const status = (page: IJupyterLabPageFixture) => page.locator('#jp-main-statusbar .jp-retrace-reproduce-status');

const cellMetadata = (page: IJupyterLabPageFixture, index: number) =>
  page.evaluate(i => (window as any).jupyterapp.shell.currentWidget.content.model.cells.get(i).getMetadata('retrace'), index);

const executionCount = (page: IJupyterLabPageFixture, index: number) =>
  page.evaluate(i => (window as any).jupyterapp.shell.currentWidget.content.model.cells.get(i).executionCount, index);

/** The sha256 the hashing cell printed (its last output). */
async function printedHash(page: IJupyterLabPageFixture): Promise<string> {
  const output = (await page.notebook.getCellLocator(HASHING_CELL))!.locator('.jp-OutputArea-output');
  const text = ((await output.last().textContent()) ?? '').trim();
  expect(text).toMatch(/^[0-9a-f]{64}$/);
  return text;
}

/** Kernel › Restart Kernel and Run All Cells…, confirmed, like a user. */
async function restartAndRunAll(page: IJupyterLabPageFixture): Promise<void> {
  // Not awaited in the page: the command resolves only once its dialog is answered.
  await page.evaluate(() => void (window as any).jupyterapp.commands.execute('notebook:restart-run-all'));
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Restart');
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
}

/** Wait until every cell has run `count` times since the kernel (re)started and is idle. */
async function waitForRunAll(page: IJupyterLabPageFixture, count: (i: number) => number, timeout = 120_000): Promise<void> {
  for (let i = 0; i < SOURCES.length; i++) await expect.poll(() => executionCount(page, i), { timeout }).toBe(count(i));
  await expect(kernelStatus(page)).toHaveAttribute('data-status', 'idle', { timeout });
}

async function savedNotebook(page: IJupyterLabPageFixture, request: any, path: string): Promise<any> {
  await page.notebook.save();
  return (await (await request.get(`/api/contents/${path}`)).json()).content;
}

test('after Restart Kernel and Run All on the audit kernel, each cell has the new run’s record', async ({ page, request, tmpPath }) => {
  test.setTimeout(300_000);
  await createNotebook(page, request, tmpPath, 'restart.ipynb', SOURCES);
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);
  for (let i = 0; i < SOURCES.length; i++) expect(await page.notebook.runCell(i, true)).toBe(true);
  for (let i = 0; i < SOURCES.length; i++) await expect(badges(page).nth(i)).toHaveText(/^audited /, { timeout: 30_000 });
  const first = await printedHash(page);
  const before = await savedNotebook(page, request, `${tmpPath}/restart.ipynb`);
  expect(before.cells[HASHING_CELL].metadata.retrace.files.read).toEqual([expect.objectContaining({ path: 'blurred.txt', sha256: `sha256:${first}` })]);

  // Same kernel id, same cell ids, same execution counts (1, 2, 3) as the first run: only the run differs.
  await page.notebook.setCell(0, 'code', 'sigma = 2');
  await restartAndRunAll(page);
  await waitForRunAll(page, i => i + 1);
  const second = await printedHash(page);
  expect(second).not.toBe(first);

  // The record attached is the one of the execution that printed the hash.
  await expect.poll(async () => (await cellMetadata(page, HASHING_CELL))?.files?.read?.[0]?.sha256, { timeout: 30_000 }).toBe(`sha256:${second}`);
  for (let i = 0; i < SOURCES.length; i++) await expect(badges(page).nth(i)).toHaveText(/^audited /);
  await badges(page).nth(HASHING_CELL).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`blurred.txt  ${'blurred with sigma 2\n'.length} B  ${second.slice(0, 12)}`);
  await expect(dialog).not.toContainText(first.slice(0, 12));
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);

  // Saved: the new run's records, and the notebook names the new run.
  const after = await savedNotebook(page, request, `${tmpPath}/restart.ipynb`);
  const [old, now] = [before.cells[HASHING_CELL].metadata.retrace, after.cells[HASHING_CELL].metadata.retrace];
  expect(now.files.read[0].sha256).toBe(`sha256:${second}`);
  expect(now.lineage).not.toBe(old.lineage);
  expect(now.started_at > old.started_at).toBe(true);
  for (let i = 0; i < SOURCES.length; i++) {
    expect(after.cells[i].metadata.retrace.started_at > before.cells[HASHING_CELL].metadata.retrace.started_at).toBe(true);
  }
  expect(after.metadata.retrace.audit.session).toBe(before.metadata.retrace.audit.session);
  expect(after.metadata.retrace.audit.started_at > before.metadata.retrace.audit.started_at).toBe(true);
});

/** Press Package and wait for the archive. */
async function packageIt(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await notebookToolbar(page).getByRole('button', { name: 'Package' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Packaged ${name}`, { timeout: 180_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
}

test('after Restart Kernel and Run All on the repeat kernel, verdicts are the new run’s; a new audit replaces them', async ({ page, request, tmpPath }) => {
  test.setTimeout(600_000);
  const path = `${tmpPath}/repeat-restart.ipynb`;
  await createNotebook(page, request, tmpPath, 'repeat-restart.ipynb', SOURCES);
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);
  for (let i = 0; i < SOURCES.length; i++) expect(await page.notebook.runCell(i, true)).toBe(true);
  for (let i = 0; i < SOURCES.length; i++) await expect(badges(page).nth(i)).toHaveText(/^audited /, { timeout: 30_000 });
  const audited = await printedHash(page);
  await packageIt(page, 'repeat-restart.ipynb');

  await test.step('Reproduce: every cell reproduced', async () => {
    await notebookToolbar(page).getByRole('button', { name: 'Reproduce' }).click();
    for (let i = 0; i < SOURCES.length; i++) await expect(badges(page).nth(i)).toHaveText('reproduced', { timeout: 120_000 });
    await expect(status(page)).toHaveText('3 of 3 cells reproduced (0 changed, 0 diverged, 0 failed)', { timeout: 30_000 });
  });
  const repeated = (await cellMetadata(page, HASHING_CELL)).verdict;
  expect(repeated.status).toBe('reproduced');

  await test.step('edit, Restart and Run All on the repeat kernel: the new trace is judged', async () => {
    await page.notebook.setCell(0, 'code', 'sigma = 2');
    await restartAndRunAll(page);
    await waitForRunAll(page, i => i + 1, 180_000);
    const printed = await printedHash(page);
    expect(printed).not.toBe(audited);
    await expect(badges(page).nth(0)).toHaveText('changed', { timeout: 30_000 });
    // The file it read is not the audit's: diverged, with the new run's lineage.
    await expect(badges(page).nth(HASHING_CELL)).toHaveText('diverged', { timeout: 30_000 });
    const verdict = (await cellMetadata(page, HASHING_CELL)).verdict;
    expect(verdict.status).toBe('diverged');
    expect(verdict.lineage).not.toBe(repeated.lineage);
    await badges(page).nth(HASHING_CELL).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Repeat: diverged');
    await expect(dialog).not.toContainText('same code, same lineage');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
    const saved = await savedNotebook(page, request, path);
    expect(saved.cells[HASHING_CELL].metadata.retrace.verdict).toMatchObject({ status: 'diverged', lineage: verdict.lineage });
  });

  await test.step('back on the audit kernel, Run All: the audit replaces every verdict, the summary goes', async () => {
    await selectKernel(page, AUDIT_KERNEL_DISPLAY);
    for (let i = 0; i < SOURCES.length; i++) expect(await page.notebook.runCell(i, true)).toBe(true);
    for (let i = 0; i < SOURCES.length; i++) await expect(badges(page).nth(i)).toHaveText(/^audited /, { timeout: 30_000 });
    for (let i = 0; i < SOURCES.length; i++) expect((await cellMetadata(page, i)).verdict).toBeUndefined();
    await expect(status(page)).toBeHidden();
    await badges(page).nth(HASHING_CELL).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).not.toContainText('Repeat:');
    await expect(dialog).toContainText(`${(await printedHash(page)).slice(0, 12)}`);
    await dialog.getByRole('button', { name: 'Close' }).click();
    const saved = await savedNotebook(page, request, path);
    for (const cell of saved.cells) expect(cell.metadata.retrace.verdict).toBeUndefined();
    expect(saved.metadata.retrace.repeat).toBeUndefined();
  });
});
