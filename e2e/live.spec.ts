/**
 * Live threads (product.md, "Live threads"; docs/decisions/023): on an open
 * article page, approved comments that arrive later are announced by
 * `Show N new comments` and put in their places when pressed; a comment
 * taken down leaves the page within 5 seconds; a hidden tab stops following
 * and catches up when it shows again.
 */
import { expect, test, type Page } from "./support/test";
import { e2eDb } from "./support/accounts";

const SLUG = "e2e-live";
const ARTICLE = `/articles/${SLUG}`;
let minute = 0;

/** An approved comment, straight in the database, as another instance or a moderator would make it. */
function insertComment(content: string, parentId: number | null = null): number {
  const db = e2eDb();
  try {
    const article = db.prepare("select id from articles where slug = ?").get(SLUG) as { id: number };
    minute += 1;
    const at = Date.now() - 60_000 + minute;
    return (
      db
        .prepare("insert into comments (article_id, parent_id, author_name, author_email, content, status, created_at, updated_at) values (?, ?, ?, ?, ?, 'approved', ?, ?) returning id")
        .get(article.id, parentId, `Live Writer ${minute}`, `live${minute}@example.com`, content, at, at) as { id: number }
    ).id;
  } finally {
    db.close();
  }
}

function setStatus(id: number, status: string): void {
  const db = e2eDb();
  try {
    db.prepare("update comments set status = ? where id = ?").run(status, id);
  } finally {
    db.close();
  }
}

/**
 * The page with its live stream open, rendered with the comment `showing` (a comment
 * written straight into the database reaches the cached page when the server's
 * change-log poller next looks: within a quarter of a second, later on a busy machine).
 */
async function openLive(page: Page, showing: number): Promise<void> {
  await expect(async () => {
    const stream = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/articles/${SLUG}/live`, { timeout: 5_000 });
    await page.goto(ARTICLE);
    await expect(page.locator(`#comment-${showing}`)).toBeVisible({ timeout: 1_000 });
    expect((await stream).headers()["content-type"]).toMatch(/^text\/event-stream/);
  }).toPass({ timeout: 20_000 });
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test("new comments are announced, not pushed in: Show N new comments puts them in their places, replies under their parents", async ({ page }) => {
  const parent = insertComment("Live: the comment already there.");
  await openLive(page, parent);
  await expect(page.locator(`#comment-${parent}`)).toBeVisible();
  const heading = page.locator("#comments-title");
  const before = Number((await heading.textContent())!.match(/\d+/)?.[0] ?? 0);

  const top = insertComment("Live: a new comment, approved after the page opened.");
  await expect(page.getByRole("button", { name: "Show 1 new comment" })).toBeVisible({ timeout: 5_000 });
  // Announced, not inserted: the thread does not move under the reader.
  await expect(page.locator(`#comment-${top}`)).toHaveCount(0);
  const reply = insertComment("Live: a reply to the comment already there.", parent);
  await expect(page.getByRole("button", { name: "Show 2 new comments" })).toBeVisible({ timeout: 5_000 });
  await expect(heading).toHaveText(`${before + 2} Comments`);

  await page.getByRole("button", { name: "Show 2 new comments" }).click();
  await expect(page.locator(`#comment-${top}`)).toContainText("a new comment, approved after the page opened");
  await expect(page.locator(`#comment-${parent} > .children > #comment-${reply}`)).toContainText("a reply to the comment already there");
  await expect(page.getByRole("button", { name: /^Show \d+ new comments?$/ })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("live-shown.png"), fullPage: true });
});

test("a comment taken down leaves the open page within 5 seconds, with its replies; the count follows", async ({ page }) => {
  const doomed = insertComment("Live: a comment a moderator will mark as spam.");
  const underIt = insertComment("Live: a reply under the doomed comment.", doomed);
  const trashed = insertComment("Live: a comment that goes to the trash.");
  await openLive(page, trashed);
  await expect(page.locator(`#comment-${underIt}`)).toBeVisible();
  const heading = page.locator("#comments-title");
  const before = Number((await heading.textContent())!.match(/\d+/)![0]);

  setStatus(doomed, "spam");
  await expect(page.locator(`#comment-${doomed}`)).toHaveCount(0, { timeout: 5_000 });
  await expect(page.locator(`#comment-${underIt}`)).toHaveCount(0);
  await expect(heading).toHaveText(`${before - 1} Comments`);
  setStatus(trashed, "trash");
  await expect(page.locator(`#comment-${trashed}`)).toHaveCount(0, { timeout: 5_000 });

  // Moved back (a moderator's Undo): announced again with its reply, like any new comments,
  // and back in their places when the reader asks.
  setStatus(doomed, "approved");
  await expect(page.getByRole("button", { name: "Show 2 new comments" })).toBeVisible({ timeout: 5_000 });
  await expect(page.locator(`#comment-${doomed}`)).toHaveCount(0);
  await page.getByRole("button", { name: "Show 2 new comments" }).click();
  await expect(page.locator(`#comment-${doomed} > ol.children > li#comment-${underIt}`)).toContainText("a reply under the doomed comment");
});

test("a reply moved up when its parent is deleted for good leaves with it, and is announced at its new place", async ({ page }) => {
  const parent = insertComment("Live: a comment about to be deleted for good.");
  const reply = insertComment("Live: a reply that stays, one level up.", parent);
  await openLive(page, reply);
  await expect(page.locator(`#comment-${parent} #comment-${reply}`)).toBeVisible();
  // What Delete permanently does (lib/comments/removal.ts): the reply moves up, the parent goes.
  const db = e2eDb();
  try {
    db.transaction(() => {
      db.prepare("update comments set parent_id = null where id = ?").run(reply);
      db.prepare("delete from comments where id = ?").run(parent);
    })();
  } finally {
    db.close();
  }
  await expect(page.locator(`#comment-${parent}`)).toHaveCount(0, { timeout: 5_000 });
  await page.getByRole("button", { name: "Show 1 new comment" }).click({ timeout: 5_000 });
  await expect(page.locator(`ol.comment-list > li#comment-${reply}`)).toContainText("one level up");
});

test("a hidden tab stops following, and catches up when it shows again", async ({ page }) => {
  const there = insertComment("Live: there before the tab was hidden.");
  await openLive(page, there);
  // The stream's request ends when the page closes it (the browser reports it aborted).
  const isStream = (r: { url: () => string }) => new URL(r.url()).pathname === `/api/articles/${SLUG}/live`;
  const ended = [page.waitForEvent("requestfailed", isStream), page.waitForEvent("requestfinished", isStream)];
  for (const waiting of ended) waiting.catch(() => undefined); // the other one never comes
  const closed = Promise.race(ended);
  await setHidden(page, true);
  await closed; // the stream ended with the tab hidden

  const meanwhile = insertComment("Live: approved while the tab was hidden.");
  const reopened = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/articles/${SLUG}/live`);
  await setHidden(page, false);
  await reopened;
  await expect(page.getByRole("button", { name: "Show 1 new comment" })).toBeVisible({ timeout: 5_000 });
  await page.getByRole("button", { name: "Show 1 new comment" }).click();
  await expect(page.locator(`#comment-${meanwhile}`)).toContainText("approved while the tab was hidden");
});

test("without JavaScript the page is as before: no stream, no button, every comment on reload", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  const live: string[] = [];
  page.on("request", (r) => r.url().includes("/live") && live.push(r.url()));
  await page.goto(ARTICLE);
  const id = insertComment("Live: seen on the next load without JavaScript.");
  await expect(async () => {
    await page.reload();
    await expect(page.locator(`#comment-${id}`)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 10_000 });
  expect(live).toEqual([]);
  await expect(page.getByRole("button", { name: /^Show \d+ new comments?$/ })).toHaveCount(0);
  await context.close();
});
