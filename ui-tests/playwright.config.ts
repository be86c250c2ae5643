/**
 * Playwright configuration for retrace's Galata browser tests.
 *
 * Runs Debian's Chromium (never a downloaded browser) against a JupyterLab that
 * `jupyter_server_test_config.py` configures: port 8899, a temporary root holding a
 * copy of examples/*.ipynb, and a temporary RETRACE_HOME.
 *
 * Environment knobs: RETRACE_SCREENSHOTS=1 also runs tests/screenshots.spec.ts (writes
 * docs/images/); RETRACE_UI_PORT (8899); RETRACE_CHROMIUM (/usr/bin/chromium);
 * RETRACE_UI_LOG_LEVEL (server log level, ERROR); RETRACE_UI_KEEP=1 keeps the temp
 * folders. Outside CI an already running server on the port is reused.
 */
import type { PlaywrightTestConfig } from '@playwright/test';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- how Galata's own template loads its CommonJS base config
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const PORT = Number(process.env.RETRACE_UI_PORT ?? 8899);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const CI = !!process.env.CI;

const config: PlaywrightTestConfig = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  // README screenshots write into docs/images: only when asked for.
  testIgnore: process.env.RETRACE_SCREENSHOTS === '1' ? [] : ['**/screenshots.spec.ts'],
  // The audit kernel runs under strace: starting it and running cells is slow.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // One JupyterLab, one kernel at a time.
  workers: 1,
  fullyParallel: false,
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  reporter: [[CI ? 'github' : 'list'], ['html', { open: 'never', outputFolder: './playwright-report' }]],
  use: {
    ...baseConfig.use,
    baseURL: BASE_URL,
    launchOptions: {
      executablePath: process.env.RETRACE_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    },
    video: 'off',
    trace: 'retain-on-failure',
    actionTimeout: 30_000,
    navigationTimeout: 60_000
  },
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    url: `${BASE_URL}/lab`,
    timeout: 120_000,
    reuseExistingServer: !CI,
    // SIGTERM lets Jupyter shut its kernels down and the config remove its temp folders.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: { RETRACE_UI_PORT: String(PORT) },
    stdout: 'ignore',
    stderr: 'pipe'
  }
};

export default config;
