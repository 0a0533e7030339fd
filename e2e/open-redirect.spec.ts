import { expect, test, type Page } from "./support/test";
import { createAccount, signInAs } from "./support/accounts";

/**
 * callbackUrl values that a naive "starts with one slash" check lets through
 * or that browsers read as another host. Any navigation to evil.example is
 * answered locally, so a redirect there shows up as the page's URL.
 */
const NASTY = [
  "/%09/evil.example",
  "/%09/evil.example/steal?x=1",
  "/%0A/evil.example",
  "/%0D%0A/evil.example",
  "/%5Cevil.example",
  "%5C%5Cevil.example",
  "//evil.example",
  "/.//evil.example",
  "https://evil.example/",
  "http:%2F%2Fevil.example",
];

async function trapOtherHosts(page: Page) {
  await page.context().route(/^https?:\/\/evil\.example/, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil.example</h1>" }),
  );
}

test.describe("callbackUrl keeps people on the site", () => {
  test("a signed-in visitor of /login with a nasty callbackUrl stays on the site", async ({ page, baseURL }) => {
    await trapOtherHosts(page);
    await signInAs(page.context(), await createAccount("reader"), baseURL!);
    const site = new URL(baseURL!).origin;
    for (const callbackUrl of NASTY) {
      // A redirect off the site may also end in a DNS error: the URL tells.
      await page.goto(`/login?callbackUrl=${callbackUrl}`).catch(() => null);
      expect(new URL(page.url()).origin, `callbackUrl=${callbackUrl}`).toBe(site);
      await expect(page.getByRole("heading", { name: "evil.example" })).toHaveCount(0);
    }
  });

  test("a good callbackUrl still brings a signed-in visitor back", async ({ page, baseURL }) => {
    await signInAs(page.context(), await createAccount("reader"), baseURL!);
    await page.goto(`/login?callbackUrl=${encodeURIComponent("/articles/e2e-signed-in?cpage=1")}`);
    await expect(page).toHaveURL(/\/articles\/e2e-signed-in\?cpage=1$/);
    await expect(page.getByText(/^Logged in as /)).toBeVisible();
  });

  test("signing in through the form with a nasty callbackUrl lands on the site", async ({ page, baseURL }) => {
    await trapOtherHosts(page);
    const account = await createAccount("reader");
    await page.goto("/login?callbackUrl=/%09/evil.example");
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    await expect(page.getByRole("heading", { name: "evil.example" })).toHaveCount(0);
  });

  test("signing in through the form with a good callbackUrl goes there", async ({ page }) => {
    const account = await createAccount("reader");
    await page.goto(`/login?callbackUrl=${encodeURIComponent("/articles/e2e-signed-in")}`);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/articles\/e2e-signed-in$/);
    await expect(page.getByText(`Logged in as ${account.name}.`)).toBeVisible();
  });
});
