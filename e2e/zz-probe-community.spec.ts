import { expect, test } from "./support/test";
import { createAccount, signInAs } from "./support/accounts";
test("probe", async ({ browser, baseURL }) => {
  const mod = await createAccount("moderator");
  const ctx = await browser.newContext({ baseURL, javaScriptEnabled: false });
  await signInAs(ctx, mod, baseURL!);
  const page = await ctx.newPage();
  await page.goto("/articles/e2e-respect");
  const html = await page.content();
  const i = html.indexOf("feature-form");
  console.log(html.slice(i - 300, i + 900));
  const r = await page.locator("form.feature-form").first().evaluate((f: HTMLFormElement) => ({ action: f.getAttribute("action"), method: f.method }));
  console.log(r);
  expect(1).toBe(1);
});
