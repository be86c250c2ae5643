/**
 * Opening, auditing and closing an example notebook leaves nothing from retrace in the
 * browser console, and the companion answers every request the frontend makes (no
 * 404 while a new audit kernel writes its session).
 */
import { expect, test } from '@jupyterlab/galata';
import type { ConsoleMessage, Response } from '@playwright/test';
import { AUDIT_KERNEL_DISPLAY, kernelStatus, selectKernel } from './helpers';

test.use({ kernels: null, sessions: null });

const EXAMPLE = 'image-convolution.ipynb';

/** A console error raised in, or about, retrace's code. */
function fromRetrace(message: ConsoleMessage): boolean {
  const where = message.location()?.url ?? '';
  return /retrace/i.test(message.text()) || /CellBadge|AuditRecorder|RepeatRecorder/.test(message.text()) || where.includes('jupyterlab-retrace');
}

test('no console errors and no failed companion requests while an example is opened, audited and closed', async ({ page, request, tmpPath }) => {
  test.setTimeout(600_000);
  // A copy of the example in the test's folder: what it writes stays there.
  const example = (await (await request.get(`/api/contents/${EXAMPLE}`)).json()).content;
  expect((await request.put(`/api/contents/${tmpPath}/${EXAMPLE}`, { data: { type: 'notebook', format: 'json', content: example } })).status()).toBe(201);
  const errors: string[] = [];
  const failed: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === 'error' && fromRetrace(message)) errors.push(message.text());
  };
  const onError = (error: Error) => {
    if (/retrace|CellBadge/i.test(`${error.message}\n${error.stack ?? ''}`)) errors.push(error.stack ?? error.message);
  };
  const onResponse = (response: Response) => {
    if (response.url().includes('/retrace-companion/') && response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onError);
  page.on('response', onResponse);
  try {
    // Open and close a new notebook too: each used to log a TypeError from the badges.
    await page.evaluate(() => (window as any).jupyterapp.commands.execute('notebook:create-new', { kernelName: 'python3' }));
    await expect(page.locator('.jp-NotebookPanel')).toHaveCount(1);
    await expect(kernelStatus(page)).toHaveAttribute('data-status', 'idle', { timeout: 60_000 });
    await page.notebook.close(true);

    await page.filebrowser.refresh();
    await page.filebrowser.open(`${tmpPath}/${EXAMPLE}`);
    expect(await page.notebook.isActive(EXAMPLE)).toBe(true);
    await selectKernel(page, AUDIT_KERNEL_DISPLAY);
    expect(await page.notebook.run()).toBe(true);
    await expect(kernelStatus(page)).toHaveAttribute('data-status', 'idle', { timeout: 400_000 });
    const badges = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-retrace-badge');
    const cells = await badges.count();
    expect(cells).toBeGreaterThan(5);
    for (let i = 0; i < cells; i++) await expect(badges.nth(i)).toHaveText(/^audited /, { timeout: 60_000 });
    await page.notebook.close(true);
    await expect(page.locator('.jp-NotebookPanel')).toHaveCount(0);
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onError);
    page.off('response', onResponse);
    const sessions = await (await request.get('/api/sessions')).json();
    for (const session of sessions as Array<{ id: string }>) await request.delete(`/api/sessions/${session.id}`);
  }
  expect(errors).toEqual([]);
  expect(failed).toEqual([]);
});
