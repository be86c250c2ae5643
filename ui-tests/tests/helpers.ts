/** Shared steps of retrace's browser tests. */
import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { APIRequestContext, Locator } from '@playwright/test';

export const PLUGIN_IDS = [
  'jupyterlab-retrace:service',
  'jupyterlab-retrace:provenance-panel',
  'jupyterlab-retrace:audit-notice',
  'jupyterlab-retrace:audit-recorder',
  'jupyterlab-retrace:cell-badges',
  'jupyterlab-retrace:dependency-panel',
  'jupyterlab-retrace:package-button',
  'jupyterlab-retrace:repeat-recorder',
  'jupyterlab-retrace:reproduce-button'
];
export const PANEL_ID = 'jp-retrace-provenance';
export const AUDIT_KERNEL_NAME = 'retrace-audit';
export const AUDIT_KERNEL_DISPLAY = 'Python 3 (audit)';

/** The tools the panel must list with a version, and where the companion reports it. */
export const TOOLS: Array<[string, (report: any) => string | undefined]> = [
  ['strace', r => r.strace.version],
  ['proot', r => r.proot.version],
  ['bwrap', r => r.bwrap.version],
  ['python', r => r.python.version],
  ['ipykernel', r => r.python.ipykernel]
];

/** The companion's own answer, through the Jupyter server's proxy. */
export async function companionEnvironment(request: APIRequestContext): Promise<any> {
  const response = await request.get('/retrace-companion/api/environment');
  expect(response.status()).toBe(200);
  return response.json();
}

/** Open the Provenance panel like a user: click its tab in the right sidebar. */
export async function openProvenancePanel(page: IJupyterLabPageFixture): Promise<Locator> {
  const tab = page.getByRole('tab', { name: 'Provenance' });
  await expect(tab).toHaveAttribute('data-id', PANEL_ID);
  await expect(tab).toHaveAttribute('aria-selected', 'false');
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel).toBeVisible();
  return panel;
}

/** Wait until the panel shows a finished report (not the loading state). */
export async function waitForReport(panel: Locator): Promise<Locator> {
  const body = panel.locator('.jp-retrace-section-body');
  await expect(body).toHaveAttribute('aria-busy', 'false');
  const report = body.locator('.jp-retrace-environment-report');
  await expect(report).toBeVisible();
  return report;
}

/** The toolbar of the notebook in the current main-area tab. */
export function notebookToolbar(page: IJupyterLabPageFixture): Locator {
  return page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar');
}

/** The kernel's status as the notebook toolbar's execution indicator shows it. */
export function kernelStatus(page: IJupyterLabPageFixture): Locator {
  return notebookToolbar(page).locator('.jp-Notebook-ExecutionIndicator');
}

/**
 * Switch the open notebook's kernel like a user: click the kernel name in its
 * toolbar, pick `displayName` in the Select Kernel dialog, wait until it is idle.
 */
export async function selectKernel(page: IJupyterLabPageFixture, displayName: string): Promise<void> {
  const kernelButton = notebookToolbar(page).locator('.jp-Toolbar-kernelName');
  await kernelButton.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Select Kernel');
  await dialog.getByRole('combobox').selectOption({ label: displayName });
  await dialog.getByRole('button', { name: 'Select Kernel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(kernelButton).toHaveText(displayName);
  // The audit kernel starts under strace: allow it more than the default wait.
  await expect(kernelStatus(page)).toHaveAttribute('data-status', 'idle', { timeout: 60_000 });
}
