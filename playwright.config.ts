import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const AKISMET_PORT = Number(process.env.E2E_AKISMET_PORT ?? 3998);
export const AKISMET_URL = `http://127.0.0.1:${AKISMET_PORT}`;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2625);
/** The local SMTP server's inbox and test controls (scripts/smtp-local/server.ts). */
export const SMTP_HTTP_URL = `http://127.0.0.1:${Number(process.env.E2E_SMTP_HTTP_PORT ?? 2680)}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Known to the tests so they can mint sessions (e2e/support/accounts.ts); never used outside them. */
export const E2E_NEXTAUTH_SECRET = "e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz";
export const E2E_DATABASE_PATH = ".tmp/e2e/app.db";

/**
 * End-to-end tests run against the production build (`npm run build` first)
 * with a fresh database of their own, in Debian's Chromium.
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI
    ? [["list"], ["json", { outputFile: ".tmp/playwright.json" }]]
    : [["list"], ["json", { outputFile: ".tmp/playwright.json" }], ["html", { open: "never" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      // First run: /setup creates the admin, before any other test makes accounts.
      name: "first-run",
      testMatch: /setup\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], launchOptions: { executablePath: CHROMIUM, args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"] } },
    },
    {
      name: "chromium",
      dependencies: ["first-run"],
      testIgnore: /setup\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            "--no-sandbox",
            "--headless=new",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      // The local Akismet-compatible server, reached through the real client.
      command: "npx tsx scripts/akismet-local.ts",
      url: `${AKISMET_URL}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { AKISMET_LOCAL_PORT: String(AKISMET_PORT), AKISMET_LOCAL_KEYS: "e2etestkey" },
    },
    {
      // The local SMTP server: the site's mail (reply notifications, digests, data links) lands here.
      command: "npx tsx scripts/smtp-local.ts",
      url: `${SMTP_HTTP_URL}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { SMTP_LOCAL_PORT: String(SMTP_PORT), SMTP_LOCAL_HTTP_PORT: new URL(SMTP_HTTP_URL).port, SMTP_LOCAL_LOG: "0" },
    },
    {
      command: "bash scripts/e2e-server.sh",
      url: `${BASE_URL}/`,
      reuseExistingServer: false,
      timeout: 90_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        PORT: String(PORT),
        HOSTNAME: "127.0.0.1",
        SITE_URL: BASE_URL,
        DATABASE_PATH: E2E_DATABASE_PATH,
        NEXTAUTH_SECRET: E2E_NEXTAUTH_SECRET,
        AKISMET_URL,
        AKISMET_KEY: "e2etestkey",
        SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      },
    },
  ],
});
