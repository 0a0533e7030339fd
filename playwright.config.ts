import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { laneCount } from "./e2e/support/lanes";

/**
 * Debian's chromium-headless-shell (what Playwright itself runs headless tests
 * in; `npm run test:all` installs it), or the full browser when only that is
 * there or CHROMIUM_PATH names it. The shell takes about a third of the CPU
 * of the full browser in --headless=new mode (decision 020).
 */
const HEADLESS_SHELL_PATH = "/usr/lib/chromium/chromium-headless-shell";
const CHROMIUM = process.env.CHROMIUM_PATH ?? (fs.existsSync(HEADLESS_SHELL_PATH) ? HEADLESS_SHELL_PATH : "/usr/bin/chromium");
const HEADLESS_SHELL = /headless[-_]shell$/.test(CHROMIUM);
const launchOptions = {
  executablePath: CHROMIUM,
  args: [
    "--no-sandbox",
    ...(HEADLESS_SHELL ? [] : ["--headless=new"]),
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
};

/** Specs that use (and one restarts) the machine's PostgreSQL server. */
const POSTGRES_SPECS = /(pg-restart|scale)\.spec\.ts/;

/**
 * End-to-end tests run against the production build (`npm run build` first)
 * in Debian's Chromium, in parallel workers: each worker has a lane of its
 * own (server, database, local Akismet and SMTP servers), started once by
 * the global set-up (e2e/support/lanes.ts). A spec's tests run in order in
 * one worker.
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  globalSetup: "./e2e/support/global-setup.ts",
  fullyParallel: false,
  workers: laneCount(),
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Three servers and three browsers share two cores: give each step room, never a retry.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [["list"], ["json", { outputFile: ".tmp/playwright.json" }]]
    : [["list"], ["json", { outputFile: ".tmp/playwright.json" }], ["html", { open: "never" }]],
  use: {
    // A trace costs every test its DOM snapshots and screencast (on this machine 16-20%
    // of the suite's time, decision 020): kept for failures only when asked for,
    // `E2E_TRACE=1 npx playwright test <spec>`. A failure always leaves a screenshot
    // and the page's accessibility tree (error-context.md) in test-results/.
    trace: process.env.E2E_TRACE ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      // First run: /setup creates the admin, before any other test makes accounts.
      name: "first-run",
      testMatch: /setup\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
    {
      // The specs on the machine's PostgreSQL server: one restarts it, so they never
      // run at the same time as each other (the other specs do not use it). Listed
      // before the rest, so their lane starts on them and no lane ends the run on them.
      name: "postgres",
      dependencies: ["first-run"],
      testMatch: POSTGRES_SPECS,
      workers: 1,
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
    {
      name: "chromium",
      dependencies: ["first-run"],
      testIgnore: [/setup\.spec\.ts/, POSTGRES_SPECS],
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
  ],
});
