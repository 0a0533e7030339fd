/**
 * The console's destructive and long actions, as a moderator uses them:
 * deleting a comment keeps other readers' replies, Empty Spam runs in the
 * background with its progress on the page, and Check for spam above the
 * Pending list re-checks the whole queue (with and without JavaScript).
 */
import { expect, test, type APIRequestContext, type Page } from "./support/test";
import { createAccount, signInAs, type TestAccount } from "./support/accounts";
import { akismetBehaviour } from "./support/own-server";
import { reloadUntil } from "./support/page-cache";

const SLUG = "e2e-moderation";
let moderator: TestAccount;

test.beforeAll(async () => {
  moderator = await createAccount("moderator", { name: "Jobs Moderator" });
});
test.afterEach(async () => {
  await akismetBehaviour(null);
});

async function post(request: APIRequestContext, baseURL: string, fields: Record<string, string | number>) {
  const { formToken } = await (await request.get(`/api/articles/${SLUG}/comments`)).json();
  const res = await request.post(`/api/articles/${SLUG}/comments`, {
    headers: { origin: baseURL, "content-type": "application/json" },
    data: { formToken, ...fields },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: number; status: string };
}

const row = (page: Page, text: string) => page.locator("[data-queue-item]", { hasText: text });

test("Delete permanently keeps another reader's reply on the article, moved up a level", async ({ page, request, baseURL, context }) => {
  const tag = Date.now().toString(36);
  const parent = await post(request, baseURL!, { content: `Parent to be removed ${tag}`, name: "Pat Parent", email: `pat-${tag}@example.com` });
  const reply = await post(request, baseURL!, {
    content: `A reply worth keeping ${tag}`,
    name: "Rita Reply",
    email: `rita-${tag}@example.com`,
    parentId: parent.id,
  });
  expect([parent.status, reply.status]).toEqual(["approved", "approved"]);

  await signInAs(context, moderator, baseURL!);
  await page.goto("/moderation?queue=approved");
  await row(page, `Parent to be removed ${tag}`).getByRole("button", { name: "Trash" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment moved to Trash." })).toBeVisible();
  await page.goto("/moderation?queue=trash");
  await row(page, `Parent to be removed ${tag}`).getByRole("button", { name: "Delete permanently" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment deleted permanently. 1 reply to it stays, moved up a level." })).toBeVisible();

  // Trash and then the deletion within a second: the cached page shows it once that second has passed.
  await reloadUntil(page, `/articles/${SLUG}`, async () => {
    await expect(page.locator(`#comment-${parent.id}`)).toHaveCount(0, { timeout: 1_000 });
    await expect(page.locator(`#comment-${reply.id}`)).toContainText(`A reply worth keeping ${tag}`, { timeout: 1_000 });
  });

  // Its history says why it moved.
  await page.goto(`/moderation?queue=approved&q=${encodeURIComponent(tag)}`);
  const item = row(page, `A reply worth keeping ${tag}`);
  await item.getByText(/^History \(\d+\)$/).click();
  await expect(item.getByText(/Moved up a level: the comment it replied to \(#\d+ by Pat Parent\) was deleted permanently by Jobs Moderator/)).toBeVisible();
});

test("Empty spam runs in the background and the console shows how it went", async ({ page, request, baseURL, context }) => {
  for (let i = 0; i < 3; i++) {
    await post(request, baseURL!, { content: `Spam to empty ${i} ${Date.now()}`, name: "akismet-guaranteed-spam", email: `spam${i}@example.com` });
  }
  await signInAs(context, moderator, baseURL!);
  await page.goto("/moderation?queue=spam");
  const form = page.locator("form.empty-queue");
  await form.getByLabel("I am sure").check();
  await form.getByRole("button", { name: "Empty spam" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Emptying Spam: \d+ comments? to delete permanently; progress is shown below\./ })).toBeVisible();
  const work = page.getByRole("region", { name: "Background work" });
  await expect(work).toContainText(/Spam emptied: \d+ comments? deleted permanently\./);
  await expect(page.getByRole("link", { name: "Spam (0)" })).toBeVisible();
});

for (const javaScriptEnabled of [true, false]) {
  test(`Check for spam above Pending re-checks every pending comment after an outage (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({
    browser,
    request,
    baseURL,
  }) => {
    const tag = `${javaScriptEnabled ? "js" : "nojs"}-${Date.now().toString(36)}`;
    await akismetBehaviour({ status: 503 });
    const held = [];
    for (let i = 0; i < 3; i++) {
      held.push(await post(request, baseURL!, { content: `Written during the outage ${tag} ${i}`, name: `Patient ${i}`, email: `patient${i}-${tag}@example.com` }));
    }
    expect(held.map((c) => c.status)).toEqual(["pending", "pending", "pending"]);
    await akismetBehaviour(null);

    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signInAs(context, moderator, baseURL!);
    await page.goto("/moderation?queue=pending");
    await expect(row(page, `Written during the outage ${tag} 0`)).toContainText("Not checked");
    await page
      .getByRole("form", { name: "Check the whole Pending queue" })
      .getByRole("button", { name: /^Check for spam \(all \d+ pending\)$/ })
      .click();
    await expect(page.getByRole("status").filter({ hasText: /Checking \d+ pending comments? for spam; progress is shown below\./ })).toBeVisible();
    const work = page.getByRole("region", { name: "Background work" });
    if (javaScriptEnabled) {
      await expect(work).toContainText(/Check for spam finished: \d+ pending comments? checked/);
    } else {
      await expect(async () => {
        await page.goto("/moderation?queue=pending");
        await expect(page.getByRole("region", { name: "Background work" })).toContainText(/Check for spam finished/, { timeout: 500 });
      }).toPass({ timeout: 15_000 });
    }
    for (const c of held) {
      await page.goto(`/articles/${SLUG}#comment-${c.id}`);
      await expect(page.locator(`#comment-${c.id}`)).toContainText(`Written during the outage ${tag}`);
    }
    await context.close();
  });
}
