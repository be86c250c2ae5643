/**
 * A small notebook, written into a test's folder through the contents API, that
 * imports numpy and reads a data file, run on the audit kernel: what the
 * Dependencies panel and the Package button work on.
 */
import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';
import { AUDIT_KERNEL_DISPLAY, selectKernel } from './helpers';

export const DATA_FILE = 'measurements.csv';
export const DATA = 'a,1\nb,2\nc,3\n';
export const SOURCES = ['import numpy\nprint(numpy.__version__)', `rows = open('${DATA_FILE}').read().splitlines()\nprint(len(rows))`];

/** Shut down the kernels this test started (the tests use the server unmocked). */
export async function closeSessions(request: APIRequestContext, tmpPath: string): Promise<void> {
  const sessions = await (await request.get('/api/sessions')).json();
  for (const session of sessions as Array<{ id: string; path: string }>) {
    if (session.path.startsWith(`${tmpPath}/`)) await request.delete(`/api/sessions/${session.id}`);
  }
}

/** Write the data file and the notebook (on the ordinary kernel; `sources` its code cells), and open it. */
export async function createNotebook(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  tmpPath: string,
  name: string,
  sources: string[] = SOURCES
): Promise<void> {
  const put = (file: string, body: object) => request.put(`/api/contents/${tmpPath}/${file}`, { data: body });
  expect((await put(DATA_FILE, { type: 'file', format: 'text', content: DATA })).status()).toBe(201);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: sources.map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
  };
  expect((await put(name, { type: 'notebook', format: 'json', content: notebook })).status()).toBe(201);
  await page.filebrowser.refresh();
  await page.filebrowser.open(`${tmpPath}/${name}`);
  expect(await page.notebook.isActive(name)).toBe(true);
}

/** Switch to the audit kernel, run both cells, wait until both are recorded; numpy's version as the kernel printed it. */
export async function auditNotebook(page: IJupyterLabPageFixture): Promise<string> {
  await selectKernel(page, AUDIT_KERNEL_DISPLAY);
  return runAudited(page);
}

/** Run both cells on the (already selected) audit kernel and wait until both are recorded. */
export async function runAudited(page: IJupyterLabPageFixture): Promise<string> {
  expect(await page.notebook.runCell(0, true)).toBe(true);
  expect(await page.notebook.runCell(1, true)).toBe(true);
  const badges = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-retrace-badge');
  for (const i of [0, 1]) await expect(badges.nth(i)).toHaveText(/^audited /, { timeout: 30_000 });
  const output = (await page.notebook.getCellLocator(0))!.locator('.jp-OutputArea-output');
  const version = (await output.first().textContent())?.trim() ?? '';
  expect(version).toMatch(/^\d+\.\d+/);
  return version;
}
