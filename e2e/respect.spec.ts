/**
 * Respect (product.md, "Respect"): a signed-in reader respects a published
 * comment once and withdraws it by pressing again, with and without
 * JavaScript; the count shows beside it; a guest is sent to sign in and back;
 * the thread sorts by Most respected, replies staying under their parents.
 */
import { expect, test, type Browser, type Locator, type Page } from "./support/test";
import { createAccount, e2eDb, signInAs, type TestAccount } from "./support/accounts";

const SLUG = "e2e-respect";
const ARTICLE = `/articles/${SLUG}`;
let minute = 0;

/** Approved comments straight in the database (the page cache learns of them from the change log). */
function insertComment(content: string, { parentId = null, userId = null }: { parentId?: number | null; userId?: number | null } = {}): number {
  const db = e2eDb();
  try {
    const article = db.prepare("select id from articles where slug = ?").get(SLUG) as { id: number };
    minute += 1;
    const row = db
      .prepare(
        "insert into comments (article_id, parent_id, user_id, author_name, author_email, content, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 'approved', ?, ?) returning id",
      )
      .get(article.id, parentId, userId, `Writer ${minute}`, `writer${minute}@example.com`, content, Date.UTC(2025, 0, 1, 0, minute), Date.UTC(2025, 0, 1, 0, minute)) as { id: number };
    return row.id;
  } finally {
    db.close();
  }
}

function respectRows(commentId: number): number {
  const db = e2eDb();
  try {
    return (db.prepare("select count(*) as n from comment_respects where comment_id = ?").get(commentId) as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Opens the article once it shows the comment: a comment written straight into the
 * database reaches the cached page when the server's change-log poller next looks
 * (within a quarter of a second, later on a busy machine).
 */
async function openShowing(page: Page, id: number): Promise<void> {
  await expect(async () => {
    await page.goto(ARTICLE);
    await expect(page.locator(`#comment-${id}`)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

async function readerPage(browser: Browser, baseURL: string, account: TestAccount, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled });
  await signInAs(context, account, baseURL);
  return context.newPage();
}

const respectButton = (comment: Locator) => comment.locator(":scope > article").getByRole("button", { name: "Respect", exact: true });
const countOf = (comment: Locator) => comment.locator(":scope > article .respect-count");

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? "with" : "without";

  test(`a reader respects a comment and withdraws it ${how} JavaScript; the count follows; another reader sees no pressed button`, async ({ browser, baseURL }) => {
    const id = insertComment(`Worth respecting, ${how} JavaScript.`);
    const reader = await createAccount("reader");
    const page = await readerPage(browser, baseURL!, reader, javaScriptEnabled);
    await openShowing(page, id);
    const comment = page.locator(`#comment-${id}`);
    await expect(comment).toContainText(`Worth respecting, ${how} JavaScript.`);
    await expect(respectButton(comment)).toHaveAttribute("aria-pressed", "false");
    await expect(countOf(comment)).toHaveCount(0);

    await respectButton(comment).click();
    await expect(respectButton(comment)).toHaveAttribute("aria-pressed", "true");
    await expect(countOf(comment)).toHaveText(/^1\s*reader respects this$/);
    if (!javaScriptEnabled) await expect(page).toHaveURL(new RegExp(`${ARTICLE}#comment-${id}$`));
    expect(respectRows(id)).toBe(1);
    await page.screenshot({ path: test.info().outputPath(`respected-${how}-js.png`) });

    // Reloaded, the page says the same: the reader's own respect is theirs at once.
    await page.reload();
    await expect(respectButton(comment)).toHaveAttribute("aria-pressed", "true");
    await expect(countOf(comment)).toHaveText(/^1/);

    // A second reader sees the count (it may lag on a cached page, by at most a minute), never a pressed button.
    const other = await readerPage(browser, baseURL!, await createAccount("reader"), javaScriptEnabled);
    await openShowing(other, id);
    await expect(respectButton(other.locator(`#comment-${id}`))).toHaveAttribute("aria-pressed", "false");
    await other.context().close();

    // Pressed again: withdrawn.
    await respectButton(comment).click();
    await expect(respectButton(comment)).toHaveAttribute("aria-pressed", "false");
    await expect(countOf(comment)).toHaveCount(0);
    expect(respectRows(id)).toBe(0);
    await page.context().close();
  });

  test(`a guest who presses Respect ${how} JavaScript is sent to sign in and comes back to the comment`, async ({ browser, baseURL }) => {
    const id = insertComment(`A guest wants to respect this, ${how} JavaScript.`);
    const reader = await createAccount("reader");
    const context = await browser.newContext({ baseURL, javaScriptEnabled });
    const page = await context.newPage();
    await openShowing(page, id);
    await respectButton(page.locator(`#comment-${id}`)).click();
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
    expect(decodeURIComponent(new URL(page.url()).searchParams.get("callbackUrl")!)).toBe(`${ARTICLE}#comment-${id}`);
    expect(respectRows(id)).toBe(0);

    await page.getByLabel("Email").fill(reader.email);
    await page.getByLabel("Password").fill(reader.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`${ARTICLE}(#comment-${id})?$`));
    const comment = page.locator(`#comment-${id}`);
    await respectButton(comment).click();
    await expect(respectButton(comment)).toHaveAttribute("aria-pressed", "true");
    expect(respectRows(id)).toBe(1);
    await context.close();
  });
}

test("a reader cannot respect their own comment, and a banned account cannot respect at all", async ({ browser, baseURL }) => {
  const author = await createAccount("reader");
  const own = insertComment("My own comment, which I cannot respect.", { userId: author.id });
  const page = await readerPage(browser, baseURL!, author, true);
  await openShowing(page, own);
  const comment = page.locator(`#comment-${own}`);
  await respectButton(comment).click();
  await expect(comment.getByRole("alert")).toHaveText("You cannot respect your own comment.");
  await expect(respectButton(comment)).toHaveAttribute("aria-pressed", "false");
  expect(respectRows(own)).toBe(0);
  await page.context().close();

  const banned = await createAccount("reader", { banned: true });
  const bannedPage = await readerPage(browser, baseURL!, banned, true);
  await openShowing(bannedPage, own);
  const target = bannedPage.locator(`#comment-${own}`);
  await respectButton(target).click();
  await expect(target.getByRole("alert")).toContainText("suspended");
  expect(respectRows(own)).toBe(0);
  await bannedPage.context().close();
});

test("Most respected puts the most respected first, ties oldest first, replies oldest first under their parents", async ({ browser, baseURL, request }) => {
  const quiet = insertComment("Sort: nobody respects this one.");
  const loved = insertComment("Sort: everybody respects this one.");
  const liked = insertComment("Sort: one reader respects this one.");
  const early = insertComment("Sort: the first reply.", { parentId: liked });
  const late = insertComment("Sort: the second reply, more respected than the first.", { parentId: liked });
  const readers = await Promise.all([1, 2].map(() => createAccount("reader")));
  for (const [i, reader] of readers.entries()) {
    const page = await readerPage(browser, baseURL!, reader, true);
    await openShowing(page, late);
    const targets = i === 0 ? [loved, liked, late] : [loved, late];
    for (const target of targets) {
      const button = respectButton(page.locator(`#comment-${target}`));
      await button.click();
      await expect(button).toHaveAttribute("aria-pressed", "true");
    }
    await page.context().close();
  }

  const page = await readerPage(browser, baseURL!, readers[0]!, true);
  await page.goto(ARTICLE);
  await page.getByRole("navigation", { name: "Comment order" }).getByRole("link", { name: "Most respected" }).click();
  await expect(page).toHaveURL(/[?&]order=respected/);
  await expect(page.getByRole("navigation", { name: "Comment order" }).getByText("Most respected")).toHaveAttribute("aria-current", "true");
  const order = async () =>
    (await page.locator(".comment-list > li").evaluateAll((items) => items.map((li) => Number(li.id.replace("comment-", ""))))).filter((id) =>
      [quiet, loved, liked].includes(id),
    );
  expect(await order()).toEqual([loved, liked, quiet]);
  const replies = await page.locator(`#comment-${liked} > .children > li`).evaluateAll((items) => items.map((li) => li.id));
  expect(replies).toEqual([`comment-${early}`, `comment-${late}`]);
  await page.screenshot({ path: test.info().outputPath("most-respected.png"), fullPage: true });
  await page.context().close();

  // The JSON API sorts the same way, with the counts.
  const api = await (await request.get(`/api/articles/${SLUG}/comments?order=respected`)).json();
  expect(api.order).toBe("respected");
  const listed = (api.comments as { id: number; respects: number }[]).filter((c) => [quiet, loved, liked].includes(c.id));
  expect(listed.map((c) => [c.id, c.respects])).toEqual([
    [loved, 2],
    [liked, 1],
    [quiet, 0],
  ]);
});
