import { expect, test } from "./support/test";
import { articleId, formTokenIssuedAt } from "./support/form-token";

const SLUG = "e2e-form-failures";
const DAY = 24 * 60 * 60 * 1000;
const EXPIRED = "This form has expired; your comment is below, post it again.";

for (const javaScriptEnabled of [true, false]) {
  test.describe(`a comment form older than a day ${javaScriptEnabled ? "with" : "without"} JavaScript`, () => {
    test.use({ javaScriptEnabled });

    test("is refused with the text kept, and posting again works", async ({ page }) => {
      await page.goto(`/articles/${SLUG}`);
      const token = page.locator('input[name="formToken"]');
      const rendered = await token.inputValue();
      const text = `Written over a long weekend (${javaScriptEnabled ? "js" : "no js"}).`;
      await page.getByRole("textbox", { name: "Comment", exact: true }).fill(text);
      await page.getByRole("textbox", { name: "Name", exact: true }).fill("Slow Writer");
      await page.getByRole("textbox", { name: "Email", exact: true }).fill("slow@example.com");
      // With JavaScript the form asks for a fresh token once the reader starts writing: it
      // has come before the test puts the old one in its place.
      if (javaScriptEnabled) await expect.poll(() => token.inputValue()).not.toBe(rendered);
      // The page was loaded two days ago.
      const stale = formTokenIssuedAt(articleId(SLUG), Date.now() - 2 * DAY);
      await page.locator('input[name="formToken"]').evaluate((el, token) => el.setAttribute("value", token), stale);
      await page.getByRole("button", { name: "Post Comment" }).click();

      await expect(page.locator("form.comment-form").getByRole("alert")).toHaveText(EXPIRED);
      await expect(page.getByRole("textbox", { name: "Comment", exact: true })).toHaveValue(text);
      await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("Slow Writer");
      await expect(page.locator('input[name="formToken"]')).not.toHaveValue(stale);

      await page.getByRole("button", { name: "Post Comment" }).click();
      await expect(page).toHaveURL(/#comment-\d+$/);
      await expect(page.locator(new URL(page.url()).hash)).toContainText(text);
    });
  });
}

test("the JSON API answers an expired token with 400, the message and a fresh token", async ({ request, baseURL }) => {
  const url = `/api/articles/${SLUG}/comments`;
  const headers = { Origin: new URL(baseURL!).origin, "Content-Type": "application/json" };
  const body = { content: "Posted through the API with an old token.", name: "Api Writer", email: "api@example.com" };
  const stale = formTokenIssuedAt(articleId(SLUG), Date.now() - 2 * DAY);

  const refused = await request.post(url, { headers, data: { ...body, formToken: stale } });
  expect(refused.status()).toBe(400);
  const answer = (await refused.json()) as { error: string; formToken: string };
  expect(answer.error).toBe(EXPIRED);
  expect(answer.formToken).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);

  const again = await request.post(url, { headers, data: { ...body, formToken: answer.formToken } });
  expect(again.status()).toBe(201);
});
