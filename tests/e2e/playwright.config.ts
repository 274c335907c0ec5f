// Browser tests run in Debian's Chromium (Playwright's own browser download is not reachable here),
// against the shop started exactly as `npm start` starts it, on its own ports and data folder.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  throw new Error(`Chromium was not found at ${CHROMIUM}. Install it with "apt-get install chromium" (or run npm test as root, which installs it), or set CHROMIUM_PATH.`);
}

const root = path.resolve(import.meta.dirname, '../..');
const port = Number(process.env.E2E_PORT ?? 3100);
const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 8190);
process.env.E2E_SANDBOX_PORT = String(sandboxPort); // the tests' helpers read it
// The mail catcher's fixed test ports, next to the sandbox's, so runs with other E2E ports never collide.
const mailHttpPort = Number(process.env.E2E_MAIL_HTTP_PORT ?? sandboxPort + 100);
const mailSmtpPort = Number(process.env.E2E_MAIL_SMTP_PORT ?? sandboxPort + 200);
process.env.E2E_MAIL_HTTP_PORT = String(mailHttpPort);
export const E2E_DATA_DIR = path.join(root, '.data', 'e2e');

const launchOptions = {
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: { baseURL: `http://localhost:${port}`, trace: 'retain-on-failure', launchOptions },
  projects: [
    { name: 'phone', use: { ...devices['Pixel 7'], launchOptions } },
    { name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions } },
  ],
  webServer: {
    // A fresh data folder each run; the start script migrates, seeds, builds if needed and serves.
    command: `rm -rf "${E2E_DATA_DIR}" && node --import tsx scripts/start.ts`,
    cwd: root,
    url: `http://localhost:${port}/`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      SEQR_SANDBOX_PORT: String(sandboxPort),
      DATA_DIR: E2E_DATA_DIR,
      DATABASE_URL: '',
      NEXT_TELEMETRY_DISABLED: '1',
      // Short enough for the expiry test, long enough for a payment.
      PAYMENT_TTL_S: '15',
      SWEEP_INTERVAL_MS: '1000',
      E2E_SANDBOX_PORT: String(sandboxPort),
      // `npm start` runs the development mail catcher when SMTP_URL is unset.
      SMTP_URL: '',
      MAIL_CATCHER_HTTP_PORT: String(mailHttpPort),
      MAIL_CATCHER_SMTP_PORT: String(mailSmtpPort),
    },
  },
});
