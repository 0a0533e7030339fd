/**
 * Every spec imports `test` and `expect` from here: Playwright's own, with
 * `baseURL` pointing at the worker's lane (e2e/support/lanes.ts), so `page`,
 * `request` and relative URLs reach that lane's server.
 */
import { test as base } from "@playwright/test";
import { currentLane } from "./lanes";

export const test = base.extend({
  baseURL: async ({}, use) => {
    await use(currentLane().baseURL);
  },
});

export { expect, request } from "@playwright/test";
export type { APIRequestContext, Browser, BrowserContext, Download, Locator, Page, Request, Response } from "@playwright/test";
