/**
 * Signing in works the same with and without JavaScript (product.md: `/login`
 * "with or without JavaScript"), and the password never goes into a URL: not
 * into the address bar, the history, or a server's or proxy's log.
 */
import { expect, test, type Page, type Request } from "./support/test";
import { createAccount } from "./support/accounts";

const ARTICLE = "/articles/e2e-signed-in";

/** Every request the page makes, from now on. */
function recordRequests(page: Page): Request[] {
  const requests: Request[] = [];
  page.on("request", (request) => requests.push(request));
  return requests;
}

function expectNotInAnyUrl(requests: Request[], secrets: string[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    const url = request.url();
    const decoded = decodeURIComponent(url.replace(/\+/g, " "));
    for (const secret of secrets) {
      expect(decoded, `${request.method()} ${url}`).not.toContain(secret);
      expect(url).not.toContain(encodeURIComponent(secret));
    }
  }
}

for (const javaScriptEnabled of [false, true]) {
  const how = javaScriptEnabled ? "with" : "without";

  test(`signing in ${how} JavaScript: a POST, the password in no URL, back to the page asked for`, async ({ browser }) => {
    const account = await createAccount("reader", { password: `right passphrase ${how} js` });
    const wrongPassword = `wrong passphrase ${how} js`;
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const requests = recordRequests(page);

    await page.goto(`/login?callbackUrl=${encodeURIComponent(ARTICLE)}`);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(wrongPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForLoadState();
    expectNotInAnyUrl(requests, [wrongPassword]);
    await expect(page.locator("form").getByRole("alert")).toHaveText("The email or password is not right.");
    // The email is kept, the password is not.
    await expect(page.getByLabel("Email")).toHaveValue(account.email);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`${ARTICLE}$`));
    await expect(page.getByText(`Logged in as ${account.name}.`)).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

    // The session is a full one: the account page knows who this is.
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
    await expect(page.getByText(account.email)).toBeVisible();

    // Both attempts were posted, and neither password went into a URL.
    const posts = requests.filter((r) => r.method() === "POST" && new URL(r.url()).pathname === "/login");
    expect(posts.length).toBe(2);
    expect(requests.filter((r) => r.method() === "GET" && new URL(r.url()).pathname === "/login" && new URL(r.url()).searchParams.has("password"))).toEqual([]);
    expectNotInAnyUrl(requests, [account.password, wrongPassword]);
    // Nor into the browser's history.
    expect(page.url()).not.toContain("password");

    // Signing out ends the session the form started.
    await page.goto(ARTICLE);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
    await context.close();
  });
}

test("without JavaScript, an unknown email reads the same as a wrong password, and a suspended account is told so", async ({ browser }) => {
  const banned = await createAccount("reader", { banned: true });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const requests = recordRequests(page);
  await page.goto("/login");
  await page.getByLabel("Email").fill("nobody-at-all@example.com");
  await page.getByLabel("Password").fill("some passphrase here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("The email or password is not right.");
  await expect(page.getByLabel("Email")).toHaveValue("nobody-at-all@example.com");

  await page.getByLabel("Email").fill(banned.email);
  await page.getByLabel("Password").fill(banned.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("This account has been suspended.");
  await expect(page.getByLabel("Email")).toHaveValue(banned.email);
  expectNotInAnyUrl(requests, ["some passphrase here", banned.password]);
  await context.close();
});

test("a callbackUrl changed in the form off the site is refused by the action: home instead", async ({ page, baseURL }) => {
  const account = await createAccount("reader");
  await page.goto(`/login?callbackUrl=${encodeURIComponent(ARTICLE)}`);
  // The hidden field comes from the form, so the action checks it again.
  await page.locator('input[name="callbackUrl"]').evaluate((input) => input.setAttribute("value", "https://evil.example/"));
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});
