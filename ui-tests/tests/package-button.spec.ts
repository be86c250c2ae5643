/**
 * The notebook toolbar's Package button builds `<stem>.retrace.tar.gz` beside an
 * audited notebook, says what it holds and what was left out, and shows it in the
 * file browser; a notebook never audited gets a clear error instead.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import { auditNotebook, closeSessions, createNotebook, DATA_FILE } from './audited-notebook';
import { notebookToolbar } from './helpers';

test.use({ kernels: null, sessions: null });
test.afterEach(async ({ request, tmpPath }) => closeSessions(request, tmpPath));

const toasts = (page: import('@playwright/test').Page) => page.locator('.jp-Notification-Toast, .Toastify__toast');

test.describe('with the data file denied in the settings', () => {
  // The user's settings reach the companion: CSV files are secrets here.
  test.use({ mockSettings: { ...galata.DEFAULT_SETTINGS, 'jupyterlab-retrace:package-button': { extraDenied: ['*.csv'] } } });

  test('packages an audited notebook beside it', async ({ page, request, tmpPath }) => {
    test.setTimeout(240_000);
    await createNotebook(page, request, tmpPath, 'pkg.ipynb');
    await auditNotebook(page);

    const button = notebookToolbar(page).getByRole('button', { name: 'Package' });
    await expect(button).toBeVisible();
    await button.click();

    // Progress first (numpy is big: copying takes seconds), then the summary.
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Packaging pkg.ipynb');
    await expect(dialog.getByRole('progressbar', { name: 'Packaging progress' })).toBeVisible();
    await expect(dialog).toContainText('Packaged pkg.ipynb', { timeout: 180_000 });
    await expect(dialog.locator('.jp-retrace-package-archive')).toHaveText(`${tmpPath}/pkg.retrace.tar.gz`);
    await expect(dialog.locator('.jp-retrace-package-size')).toHaveText(/^\d+(\.\d+)? (B|KiB|MiB|GiB)$/);
    await expect(dialog.locator('.jp-retrace-package-files')).toHaveText(/^[1-9]\d* \(/);
    // Left out with the reason: the data file, by the settings' rule.
    const denied = dialog.locator('.jp-retrace-package-left-out tbody tr', { hasText: DATA_FILE });
    await expect(denied).toHaveCount(1);
    await expect(denied).toHaveAttribute('data-reason', 'secret');
    await expect(denied).toContainText('denied in settings (*.csv)');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(toasts(page).filter({ hasText: /^Packaged pkg\.ipynb/ })).toHaveCount(1);

    // The archive is in the file browser, and on disk.
    await expect.poll(() => page.filebrowser.isFileListedInBrowser('pkg.retrace.tar.gz'), { timeout: 20_000 }).toBe(true);
    const listing = await (await request.get(`/api/contents/${tmpPath}?content=1`)).json();
    const archive = (listing.content as Array<{ name: string; size: number }>).find(f => f.name === 'pkg.retrace.tar.gz');
    expect(archive?.size).toBeGreaterThan(1000);
  });
});

test('says clearly that a notebook was never audited', async ({ page, request, tmpPath }) => {
  test.setTimeout(90_000);
  await createNotebook(page, request, tmpPath, 'fresh.ipynb');
  await notebookToolbar(page).getByRole('button', { name: 'Package' }).click();
  const toast = toasts(page).filter({ hasText: 'Could not package fresh.ipynb' });
  await expect(toast).toHaveCount(1, { timeout: 30_000 });
  await expect(toast).toContainText(`${tmpPath}/fresh.ipynb was never audited`);
  // The progress dialog does not linger once it has failed.
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await toast.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('dialog')).toContainText('Python 3 (audit)');
  expect(await page.filebrowser.isFileListedInBrowser('fresh.retrace.tar.gz')).toBe(false);
});
