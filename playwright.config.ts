import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * Browser end-to-end tests. They drive Debian's Chromium (/usr/bin/chromium),
 * never a browser downloaded by Playwright, against the portal that
 * `scripts/start.sh` runs: the frontend on :3000 and the backend on :7007.
 * Screenshots land in test-results/screenshots/ (see README.md).
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chatbotDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chatbot-'));

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }],
  ],
  outputDir: 'test-results/e2e-artifacts',

  webServer: [
    {
      // A fake Kubernetes API server and a fake Jenkins on loopback, which
      // app-config.e2e.yaml points the real backend at.
      command: 'node packages/app/e2e-tests/fakes/fakeKubernetes.mjs',
      url: 'http://127.0.0.1:6443/version',
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      command: 'node packages/app/e2e-tests/fakes/fakeJenkins.mjs',
      url: 'http://127.0.0.1:6480/api/json',
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      command: 'bash scripts/start.sh',
      // app-config.e2e.yaml, and a chatbot service that starts empty.
      env: { BACKSTAGE_ENV: 'e2e', CHATBOT_DATA_DIR: chatbotDataDir },
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'true',
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: true,
      timeout: 300_000,
    },
    {
      // The chatbot service started by the same script.
      command: 'true',
      url: `http://127.0.0.1:${process.env.CHATBOT_PORT ?? 8080}/readyz`,
      reuseExistingServer: true,
      timeout: 300_000,
    },
  ],

  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
