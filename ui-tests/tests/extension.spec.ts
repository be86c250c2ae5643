/** JupyterLab loads with retrace's plugins active and without errors from them. */
import { expect, test } from '@jupyterlab/galata';
import { PLUGIN_IDS } from './helpers';

// Navigate inside the test, so listeners see everything the page logs while loading.
test.use({ autoGoto: false });

test('JupyterLab starts with the retrace plugins activated and no retrace errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  page.on('console', message => {
    if (message.type() === 'error' && /retrace/i.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', response => {
    if (response.url().includes('/retrace-companion/') && response.status() >= 400) {
      problems.push(`companion answered ${response.status()} for ${response.url()}`);
    }
  });

  await page.goto();

  // The lab extension is installed where JupyterLab looks for federated extensions.
  const federated = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('jupyter-config-data')!.textContent!);
    return (data.federated_extensions as Array<{ name: string }>).map(e => e.name);
  });
  expect(federated).toContain('jupyterlab-retrace');

  // Every plugin is registered and was activated at start-up.
  const plugins = await page.evaluate(ids => {
    const app = (window as any).jupyterapp;
    return ids.map(id => ({ id, registered: app.hasPlugin(id), active: app.isPluginActivated(id) }));
  }, PLUGIN_IDS);
  expect(plugins).toEqual(PLUGIN_IDS.map(id => ({ id, registered: true, active: true })));

  // Its commands exist and are labelled for the palette.
  const commands = await page.evaluate(() => {
    const commands = (window as any).jupyterapp.commands;
    return ['retrace:show-provenance', 'retrace:refresh-environment'].map(id => ({
      id,
      exists: commands.hasCommand(id),
      label: commands.label(id)
    }));
  });
  expect(commands).toEqual([
    { id: 'retrace:show-provenance', exists: true, label: 'Show Provenance Panel' },
    { id: 'retrace:refresh-environment', exists: true, label: 'Check Environment for Auditing' }
  ]);

  // Its sidebar tab is there; no dialog or notification is open.
  await expect(page.getByRole('tab', { name: 'Provenance' })).toHaveCount(1);
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  await expect(page.locator('.jp-Notification-Toast, .Toastify__toast').filter({ hasText: /retrace|audit/i })).toHaveCount(0);
  expect(problems).toEqual([]);
});
