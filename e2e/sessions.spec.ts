/**
 * Ending sessions on the server: a copy of the session cookie (another
 * browser, or a stolen cookie) stops working after "Sign out" in the browser
 * it came from, and "Sign out everywhere" on /account ends every session.
 */
import { expect, test, type BrowserContext, type Page } from "./support/test";
import { createAccount, SESSION_COOKIE, signInAs, type TestAccount } from "./support/accounts";

async function signInThroughForm(page: Page, account: TestAccount): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Puts the first context's session cookie into the second, as someone who copied it would. */
async function copySessionCookie(from: BrowserContext, to: BrowserContext): Promise<void> {
  const cookies = (await from.cookies()).filter((c) => c.name.startsWith(SESSION_COOKIE));
  expect(cookies.length).toBeGreaterThan(0);
  await to.addCookies(cookies);
}

async function expectSignedIn(page: Page, account: TestAccount): Promise<void> {
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByText(account.email)).toBeVisible();
}

async function expectSignedOut(page: Page): Promise<void> {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
}

test("signing out ends the session for a copy of its cookie too", async ({ browser }) => {
  const account = await createAccount("reader");
  const first = await browser.newContext();
  const second = await browser.newContext();
  const page = await first.newPage();
  await signInThroughForm(page, account);
  await copySessionCookie(first, second);
  const copy = await second.newPage();
  await copy.goto("/");
  await expect(copy.getByRole("button", { name: "Sign out" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await copy.reload();
  await expect(copy.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(copy.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await expectSignedOut(copy);
  // Signing in again makes a new session, which works.
  await signInThroughForm(page, account);
  await expectSignedIn(page, account);
  await Promise.all([first.close(), second.close()]);
});

test("the account page shows the account; Sign out everywhere (without JavaScript) ends every session", async ({ browser, baseURL }) => {
  const account = await createAccount("editor");
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInThroughForm(otherPage, account);

  const noJs = await browser.newContext({ javaScriptEnabled: false });
  await signInAs(noJs, account, baseURL!);
  const page = await noJs.newPage();
  await page.goto("/");
  await page.getByRole("link", { name: account.name }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByText(account.name, { exact: true }).last()).toBeVisible();
  await expect(page.getByText(account.email)).toBeVisible();
  await expect(page.getByText("Editor", { exact: true }).last()).toBeVisible();

  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expectSignedOut(page);
  await expectSignedOut(otherPage);
  await Promise.all([noJs.close(), other.close()]);
});

test("the account page asks a signed-out visitor to sign in", async ({ page }) => {
  await expectSignedOut(page);
});
