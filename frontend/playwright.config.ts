import { defineConfig } from '@playwright/test';
import { STORAGE_STATE } from './e2e/fixtures';

/**
 * End-to-end journeys against the real stack behind nginx (PostgreSQL + gunicorn + worker +
 * nginx are started by the repo's script before this runs; nothing here mocks the network).
 * The "sign-in" project signs in once as E2E_USER and saves the session; every journey then
 * starts signed in from that storage state (login.spec.ts starts signed out on purpose).
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env['CI'] ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  projects: [
    { name: 'sign-in', testMatch: /auth\.setup\.ts$/ },
    { name: 'journeys', dependencies: ['sign-in'], use: { storageState: STORAGE_STATE } },
  ],
  use: {
    baseURL: process.env['E2E_BASE_URL'] ?? 'http://127.0.0.1:8080',
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
