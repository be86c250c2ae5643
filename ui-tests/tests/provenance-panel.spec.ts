/** The right-sidebar Provenance panel shows the environment report and refreshes it. */
import { expect, test } from '@jupyterlab/galata';
import { companionEnvironment, openProvenancePanel, TOOLS, waitForReport } from './helpers';

test.describe('Provenance panel', () => {
  test('shows the environment report with the tool versions', async ({ page, request }) => {
    const expected = await companionEnvironment(request);
    expect(expected.diagnosis.auditReady).toBe(true);

    const panel = await openProvenancePanel(page);
    await expect(panel.getByRole('heading', { name: 'Environment' })).toBeVisible();
    const report = await waitForReport(panel);

    await expect(report.locator('.jp-retrace-readiness-ok')).toContainText(['Audit: ready']);
    await expect(report.locator('.jp-retrace-readiness-blocked')).toHaveCount(0);
    await expect(report.locator('.jp-retrace-error')).toHaveCount(0);

    for (const [tool, version] of TOOLS) {
      const want = version(expected.report);
      expect(want, `${tool} version reported by the companion`).toMatch(/^v?\d+(\.\d+)+/);
      const row = report.locator(`tr.jp-retrace-tool[data-tool="${tool}"]`);
      await expect(row, `${tool} row`).toHaveClass(/jp-retrace-tool-ok/);
      await expect(row.locator('th')).toHaveText(tool);
      await expect(row.locator('.jp-retrace-tool-state')).toHaveText(want!);
    }
    await expect(report.locator('tr[data-tool="strace"] .jp-retrace-tool-detail')).toContainText('ptrace permitted');
    await expect(report.locator('tr[data-tool="python"] .jp-retrace-tool-detail')).toHaveText(expected.report.python.path);
    await expect(report.locator('.jp-retrace-version')).toHaveText(`retrace ${expected.report.retraceVersion}`);
  });

  test('the refresh button works from the keyboard', async ({ page }) => {
    const panel = await openProvenancePanel(page);
    const report = await waitForReport(panel);
    // Mark the report on screen, so a re-rendered one can be told apart from it.
    await report.evaluate(node => node.setAttribute('data-test-stale', ''));

    const refresh = panel.getByRole('button', { name: 'Check this machine again' });
    await expect(refresh).toBeVisible();
    await refresh.focus();
    await expect(refresh).toBeFocused();

    const forced = page.waitForResponse(r => r.url().includes('/retrace-companion/api/environment?refresh=1'));
    await page.keyboard.press('Enter');
    expect((await forced).status()).toBe(200);

    const fresh = await waitForReport(panel);
    await expect(fresh).not.toHaveAttribute('data-test-stale');
    await expect(fresh.locator('.jp-retrace-readiness-ok')).toContainText(['Audit: ready']);
    await expect(fresh.locator('tr.jp-retrace-tool')).toHaveCount(6);
  });
});
