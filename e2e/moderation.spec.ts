import { expect, test, type APIRequestContext, type Page } from "./support/test";
import { createAccount, signInAs, type TestAccount } from "./support/accounts";
import { reloadUntil } from "./support/page-cache";

const ARTICLE = "/articles/e2e-moderation";
let moderator: TestAccount;

test.beforeAll(async () => {
  moderator = await createAccount("moderator", { name: "Mona Moderator" });
});

/** Posts through the JSON API, as a page on this site would. */
async function post(request: APIRequestContext, baseURL: string, fields: Record<string, string>, withToken = true) {
  const { formToken } = await (await request.get(`/api/articles/e2e-moderation/comments`)).json();
  const res = await request.post(`/api/articles/e2e-moderation/comments`, {
    headers: { origin: baseURL, "content-type": "application/json" },
    data: { ...fields, ...(withToken ? { formToken } : {}) },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: number; status: string };
}

function row(page: Page, text: string) {
  return page.locator("[data-queue-item]", { hasText: text });
}

test("a spam comment waits under Spam with its reason; Not spam publishes it", async ({ page, request, baseURL, context }) => {
  const { id } = await post(request, baseURL!, {
    content: "Cheap watches, trust me, a real bargain.",
    name: "akismet-guaranteed-spam",
    email: "spammer@example.com",
  });
  await signInAs(context, moderator, baseURL!);
  await page.goto("/moderation");
  await expect(page.getByRole("heading", { name: "Moderation" })).toBeVisible();
  await page.getByRole("link", { name: /^Spam \(\d+\)$/ }).click();
  const item = row(page, "Cheap watches, trust me");
  await expect(item).toContainText("Akismet: spam");
  await expect(item).toContainText("spammer@example.com");
  await item.getByText(/^History \(\d+\)$/).click();
  await expect(item.getByRole("listitem").filter({ hasText: "Akismet: spam" }).first()).toBeVisible();

  await item.getByRole("button", { name: "Not spam" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment marked as not spam." })).toBeVisible();
  await expect(row(page, "Cheap watches, trust me")).toHaveCount(0);

  await page.goto(`${ARTICLE}#comment-${id}`);
  await expect(page.locator(`#comment-${id}`)).toContainText("Cheap watches, trust me");
  await expect(page.locator(`#comment-${id}`)).not.toContainText("awaiting moderation");
});

test("Spam on an approved comment removes it from the article, and Undo brings it back", async ({ page, request, baseURL, context }) => {
  const { id, status } = await post(request, baseURL!, { content: "An approved comment that is really spam.", name: "Sly", email: "sly@example.com" });
  expect(status).toBe("approved");
  await signInAs(context, moderator, baseURL!);
  await page.goto("/moderation?queue=approved");
  await row(page, "An approved comment that is really spam.").getByRole("button", { name: "Spam" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment marked as spam." })).toBeVisible();

  const guest = await page.context().browser()!.newContext();
  const reader = await guest.newPage();
  await reader.goto(ARTICLE);
  await expect(reader.locator(`#comment-${id}`)).toHaveCount(0);

  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment moved back." })).toBeVisible();
  // Within a second of the spam: the cached page has it back once that second has passed.
  await reloadUntil(reader, ARTICLE, () => expect(reader.locator(`#comment-${id}`)).toContainText("An approved comment that is really spam.", { timeout: 1_000 }));
  await guest.close();
});

test("bulk approve of three pending comments, and the keyboard", async ({ page, request, baseURL, context }) => {
  // Without the form token the pipeline holds them (a bot would not have rendered the form).
  for (const n of [1, 2, 3]) await post(request, baseURL!, { content: `Held for bulk ${n}.`, name: `Bulk ${n}`, email: `bulk${n}@example.com` }, false);
  await signInAs(context, moderator, baseURL!);
  await page.goto("/moderation?queue=pending&q=Held%20for%20bulk");
  await expect(page.locator("[data-queue-item]")).toHaveCount(3);
  await expect(row(page, "Held for bulk 1.")).toContainText("Held: form token missing");
  for (const n of [1, 2, 3]) await row(page, `Held for bulk ${n}.`).getByRole("checkbox").check();
  await page.getByLabel("Bulk action").selectOption("approve");
  await page.getByRole("button", { name: "Apply to selected" }).click();
  await expect(page.getByRole("status").filter({ hasText: "3 comments approved." })).toBeVisible();
  await expect(page.locator("[data-queue-item]")).toHaveCount(0);
  await reloadUntil(page, ARTICLE, async () => {
    for (const n of [1, 2, 3]) await expect(page.getByText(`Held for bulk ${n}.`)).toBeVisible({ timeout: 1_000 });
  });

  // j moves to the first comment, t trashes it, u undoes; ? lists the shortcuts.
  await page.goto("/moderation?queue=approved&q=Held%20for%20bulk%201");
  await page.locator("html[data-moderation-keys=ready]").waitFor({ state: "attached" });
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("Escape");
  await page.keyboard.press("j");
  await expect(row(page, "Held for bulk 1.")).toBeFocused();
  await page.keyboard.press("t");
  await expect(page.getByRole("status").filter({ hasText: "1 comment moved to Trash." })).toBeVisible();
  await page.keyboard.press("u");
  await expect(page.getByRole("status").filter({ hasText: "1 comment moved back." })).toBeVisible();
  await expect(row(page, "Held for bulk 1.")).toBeVisible();
});

test("a reader gets 403 on /moderation", async ({ page, context, baseURL }) => {
  await signInAs(context, await createAccount("reader"), baseURL!);
  const res = await page.goto("/moderation");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You are not allowed here" })).toBeVisible();
});

test("a disallowed word set on the settings page sends a comment to Spam, with the reason", async ({ page, request, baseURL, context }) => {
  await signInAs(context, moderator, baseURL!);
  await page.goto("/moderation/settings");
  await expect(page.getByRole("heading", { name: "Moderation settings" })).toBeVisible();
  const words = page.getByRole("textbox", { name: "Disallowed words" });
  await words.fill("zorblax");
  await page.getByRole("textbox", { name: "Disallowed IP addresses" }).fill("not-an-ip");
  await page.getByRole("button", { name: /^Save/ }).click();
  await expect(page.getByText(/not-an-ip/).first()).toBeVisible();
  await expect(words).toHaveValue("zorblax"); // kept
  await page.getByRole("textbox", { name: "Disallowed IP addresses" }).fill("");
  await page.getByRole("button", { name: /^Save/ }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  const { id, status } = await post(request, baseURL!, { content: "Buy Z.O.R.B.L.A.X now", name: "Evader", email: "evader@example.com" });
  expect(status).toBe("pending"); // the API never says spam
  await page.goto("/moderation?queue=spam&q=Evader");
  await expect(page.locator(`#c-${id}`)).toContainText("Block list: word “zorblax”");

  await page.goto("/moderation/settings");
  await page.getByRole("textbox", { name: "Disallowed words" }).fill("");
  await page.getByRole("button", { name: /^Save/ }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
});
