import { expect, request as playwrightRequest, test, type Page } from "./support/test";
import { createAccount, e2eDb, signInAs, type TestAccount } from "./support/accounts";
import { cachedBody, reloadUntil } from "./support/page-cache";

/**
 * Comment order (lib/comments/order.ts): oldest first by default, newest
 * first as a site setting, and either one a reader picks on the article, with
 * or without JavaScript; each order's page is cached apart and both expire.
 */
const SLUG = "e2e-comment-order";
const PATH = `/articles/${SLUG}`;
let moderator: TestAccount;

function articleId(): number {
  const db = e2eDb();
  try {
    return (db.prepare("select id from articles where slug = ?").get(SLUG) as { id: number }).id;
  } finally {
    db.close();
  }
}

function insertComment(content: string, createdAt: number, parentId: number | null = null, status = "approved"): number {
  const db = e2eDb();
  try {
    return (
      db
        .prepare(
          "insert into comments (article_id, parent_id, author_name, author_email, content, status, created_at) values (?, ?, 'Order Reader', 'order@example.com', ?, ?, ?) returning id",
        )
        .get(articleId(), parentId, content, status, createdAt) as { id: number }
    ).id;
  } finally {
    db.close();
  }
}

/** The article's approved top-level comments, oldest first, from the database. */
function rootsOldestFirst(): number[] {
  const db = e2eDb();
  try {
    return (
      db
        .prepare("select id from comments where article_id = ? and parent_id is null and status = 'approved' order by created_at, id")
        .all(articleId()) as { id: number }[]
    ).map((r) => r.id);
  } finally {
    db.close();
  }
}

function setSetting(key: string, value: unknown): void {
  const db = e2eDb();
  try {
    db.prepare("insert into settings (key, value) values (?, ?) on conflict (key) do update set value = excluded.value").run(key, JSON.stringify(value));
  } finally {
    db.close();
  }
}

/** The top-level comments shown, in page order. */
async function shownRoots(page: Page): Promise<number[]> {
  return page.locator(".comment-list > li").evaluateAll((items) => items.map((li) => Number(li.id.replace("comment-", ""))));
}

/** Top-level comment ids in the order an HTML page lists them. */
function rootsInHtml(html: string): number[] {
  const list = html.slice(html.indexOf('class="comment-list"'));
  // Replies sit inside <ol class="children">; top-level items are the rest.
  const ids: number[] = [];
  let depth = 0;
  for (const match of list.matchAll(/<ol class="children">|<\/ol>|<li id="comment-(\d+)"/g)) {
    if (match[0] === '<ol class="children">') depth += 1;
    else if (match[0] === "</ol>") {
      if (depth === 0) break;
      depth -= 1;
    } else if (depth === 0) ids.push(Number(match[1]));
  }
  return ids;
}

let replies: number[] = [];

test.beforeAll(async () => {
  moderator = await createAccount("moderator");
  const base = Date.UTC(2024, 0, 1);
  const roots = [];
  for (let i = 0; i < 4; i += 1) roots.push(insertComment(`Order comment number ${i + 1}.`, base + i * 60_000));
  // Two replies under the oldest, posted after every top-level comment.
  replies = [insertComment("The first reply.", base + 10 * 60_000, roots[0]!), insertComment("The second reply.", base + 11 * 60_000, roots[0]!)];
});

for (const javaScriptEnabled of [true, false]) {
  test(`a reader switches to newest first and back ${javaScriptEnabled ? "with" : "without"} JavaScript`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const oldest = rootsOldestFirst();
    await page.goto(PATH);
    expect(await shownRoots(page)).toEqual(oldest);
    const order = page.getByRole("navigation", { name: "Comment order" });
    await expect(order.getByText("Oldest first")).toHaveAttribute("aria-current", "true");
    await expect(page.getByText("Replies stay oldest first under the comment they answer.")).toBeVisible();

    await order.getByRole("link", { name: "Newest first" }).click();
    await expect(page).toHaveURL(new RegExp(`${PATH}\\?order=newest#comments$`));
    await expect.poll(() => shownRoots(page)).toEqual([...oldest].reverse());
    await expect(order.getByText("Newest first")).toHaveAttribute("aria-current", "true");
    // Replies stay oldest first under their parent.
    const children = await page
      .locator(`#comment-${oldest[0]} > ol.children > li`)
      .evaluateAll((items) => items.map((li) => Number(li.id.replace("comment-", ""))));
    expect(children).toEqual(replies);
    // Reply links keep the order.
    await expect(page.locator(`#comment-${oldest[0]}`).getByRole("link", { name: "Reply to Order Reader" }).first()).toHaveAttribute(
      "href",
      new RegExp(`order=newest&replytocom=${oldest[0]}#respond$`),
    );

    await order.getByRole("link", { name: "Oldest first" }).click();
    await expect(page).toHaveURL(new RegExp(`${PATH}#comments$`));
    await expect.poll(() => shownRoots(page)).toEqual(oldest);
    await context.close();
  });
}


test("each order's page is cached apart, an unknown order is ignored, and a new comment expires both", async ({ baseURL }) => {
  const reader = await playwrightRequest.newContext({ baseURL });
  const oldest = rootsOldestFirst();
  expect(rootsInHtml(await cachedBody(reader, PATH))).toEqual(oldest);
  expect(rootsInHtml(await cachedBody(reader, `${PATH}?order=newest`))).toEqual([...oldest].reverse());
  expect(rootsInHtml(await cachedBody(reader, `${PATH}?order=oldest`))).toEqual(oldest);
  // Not a known order: the site's default, never an error.
  for (const odd of ["sideways", "", "newest%00", "NEWEST"]) {
    const response = await reader.get(`${PATH}?order=${odd}`);
    expect(response.status()).toBe(200);
    expect(rootsInHtml(await response.text())).toEqual(oldest);
  }
  const api = await reader.get(`/api/articles/${SLUG}/comments?order=newest`);
  expect(((await api.json()) as { comments: { id: number }[] }).comments.map((c) => c.id)).toEqual([...oldest].reverse());
  expect((await reader.get(`/api/articles/${SLUG}/comments?order=upside-down`)).status()).toBe(200);

  const added = insertComment("A newer comment, approved by a script.", Date.UTC(2024, 0, 2));
  // The server reads the change log a few times a second and expires every page of the article.
  await expect.poll(async () => rootsInHtml(await (await reader.get(`${PATH}?order=newest`)).text())[0], { timeout: 5_000 }).toBe(added);
  await expect.poll(async () => rootsInHtml(await (await reader.get(PATH)).text()).at(-1), { timeout: 5_000 }).toBe(added);
  await reader.dispose();
});

test("the site setting changes the default order, and a posted comment lands on its page", async ({ page, browser, baseURL }) => {
  try {
    await signInAs(page.context(), moderator, baseURL!);
    await page.goto("/moderation/settings");
    const orderSetting = page.getByRole("combobox", { name: "Comment order" });
    const editWindow = page.getByRole("spinbutton", { name: "Edit window (minutes)" });
    await orderSetting.selectOption({ label: "Newest first" });
    // A bad value elsewhere: nothing saved, and the choice is kept as made.
    await editWindow.fill("5000");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Enter a whole number from 0 to 1440.")).toBeVisible();
    await expect(orderSetting).toHaveValue("newest");
    await expect(editWindow).toHaveValue("5000");
    await editWindow.fill("10");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("combobox", { name: "Comment order" })).toHaveValue("newest");

    const reader = await browser.newContext();
    const readerPage = await reader.newPage();
    const oldest = rootsOldestFirst();
    await readerPage.goto(PATH);
    expect(await shownRoots(readerPage)).toEqual([...oldest].reverse());
    const order = readerPage.getByRole("navigation", { name: "Comment order" });
    await expect(order.getByText("Newest first")).toHaveAttribute("aria-current", "true");
    await expect(order.getByRole("link", { name: "Oldest first" })).toHaveAttribute("href", `${PATH}?order=oldest#comments`);

    // Five to a page: newest first, a new comment is on page 1, oldest first on the last.
    setSetting("commentsPerPage", 5);
    await readerPage.goto(PATH);
    await readerPage.getByRole("textbox", { name: "Comment", exact: true }).fill("Posted while the site shows newest first.");
    await readerPage.getByRole("textbox", { name: "Name", exact: true }).fill("Newest Poster");
    await readerPage.getByRole("textbox", { name: "Email", exact: true }).fill("newest@example.com");
    await readerPage.getByRole("button", { name: "Post Comment" }).click();
    await expect(readerPage).toHaveURL(new RegExp(`${PATH}#comment-\\d+$`));
    const id = Number(new URL(readerPage.url()).hash.replace("#comment-", ""));
    // The poster sees it at once, first; the page's numbering follows within a second.
    await expect.poll(async () => (await shownRoots(readerPage))[0]).toBe(id);
    await expect(readerPage.locator(`#comment-${id}`)).toContainText("Posted while the site shows newest first.");
    await reloadUntil(readerPage, PATH, () => expect(readerPage.getByText("Page 1 of 2")).toBeVisible({ timeout: 1_000 }));
    await expect(readerPage.getByRole("link", { name: "Older comments →" })).toHaveAttribute("href", `${PATH}?cpage=2#comments`);

    await readerPage.goto(`${PATH}?order=oldest`);
    expect(await shownRoots(readerPage)).not.toContain(id);
    await readerPage.getByRole("link", { name: "Newer comments →" }).click();
    await expect(readerPage).toHaveURL(new RegExp(`${PATH}\\?cpage=2&order=oldest#comments$`));
    await expect.poll(async () => (await shownRoots(readerPage)).at(-1)).toBe(id);
    await reader.close();
  } finally {
    setSetting("commentOrder", "oldest");
    setSetting("commentsPerPage", 50);
  }
});
