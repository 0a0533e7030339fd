/**
 * Community moderation (product.md, "Community moderation, live threads and
 * reader accounts"), as readers and moderators use it: reader reports and
 * the hold at `reportsToHold`, the Reported queue, the commenter page (notes,
 * Suspend, Always pre-moderate, Ban), Feature / Unfeature with the Featured
 * and Staff badges, and one article's comment settings (close, pre-moderate,
 * the message above the comments). Each test has an article of its own,
 * written straight into the lane's database.
 */
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from "./support/test";
import { createAccount, e2eDb, SESSION_COOKIE, sessionToken, signInAs, type TestAccount } from "./support/accounts";
import { reloadUntil } from "./support/page-cache";

const RUN = Date.now().toString(36);
let moderator: TestAccount;

test.beforeAll(async () => {
  moderator = await createAccount("moderator", { name: `Mod Community ${RUN}` });
});

type Article = { id: number; slug: string; path: string; title: string };

function withDb<T>(fn: (db: ReturnType<typeof e2eDb>) => T): T {
  const db = e2eDb();
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A published article of the test's own (its page is rendered, then cached, on first request). */
function createArticle(name: string): Article {
  const slug = `e2e-community-${name}-${RUN}`;
  const title = `E2E article: community ${name}`;
  const { id } = withDb(
    (db) =>
      db
        .prepare("insert into articles (slug, title, summary, body, status, published_at) values (?, ?, '', 'A short body.', 'published', ?) returning id")
        .get(slug, title, Date.now() - 60_000) as { id: number },
  );
  return { id, slug, path: `/articles/${slug}`, title };
}

let minute = 0;
/** A comment straight in the database (the page cache learns of it from the change log). */
function insertComment(article: Article, content: string, by: { account?: TestAccount; name?: string; email?: string } = {}, status = "approved"): number {
  minute += 1;
  const at = Date.now() - 3_600_000 + minute * 1000;
  const name = by.account?.name ?? by.name ?? `Writer ${minute}`;
  const email = by.account?.email ?? by.email ?? `writer-${RUN}-${minute}@example.com`;
  return withDb(
    (db) =>
      (
        db
          .prepare(
            "insert into comments (article_id, user_id, author_name, author_email, content, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning id",
          )
          .get(article.id, by.account?.id ?? null, name, email, content, status, at, at) as { id: number }
      ).id,
  );
}

type CommentRow = { status: string; reason: string; openReports: number; featured: number | null };
function commentRow(id: number): CommentRow {
  return withDb(
    (db) =>
      db
        .prepare("select status, status_reason as reason, open_report_count as openReports, featured_at as featured from comments where id = ?")
        .get(id) as CommentRow,
  );
}

function reportsOf(id: number): { reason: string; note: string; userId: number; closed: number | null }[] {
  return withDb(
    (db) =>
      db.prepare("select reason, note, user_id as userId, closed_at as closed from comment_reports where comment_id = ? order by id").all(id) as {
        reason: string;
        note: string;
        userId: number;
        closed: number | null;
      }[],
  );
}

async function pageFor(browser: Browser, baseURL: string, account: TestAccount | null, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled });
  if (account) await signInAs(context, account, baseURL);
  return context.newPage();
}

/** Opens a page until it shows the comment (see page-cache.ts: a write reaches a cached page within a second or two). */
async function openShowing(page: Page, path: string, id: number): Promise<void> {
  await reloadUntil(page, path, () => expect(page.locator(`#comment-${id}`)).toBeVisible({ timeout: 1_000 }));
}

/** The comment's own controls (not its replies'). */
const own = (page: Page, id: number): Locator => page.locator(`#comment-${id} > article`);

/** Posts a comment through the JSON API, as a page of this site would (with a fresh form token); as an account when given. */
async function apiPost(request: APIRequestContext, baseURL: string, article: Article, data: Record<string, string>, account?: TestAccount) {
  const { formToken } = (await (await request.get(`/api/articles/${article.slug}/comments`)).json()) as { formToken: string };
  const headers: Record<string, string> = { origin: baseURL, "content-type": "application/json" };
  if (account) headers.cookie = `${SESSION_COOKIE}=${await sessionToken(account)}`;
  return request.post(`/api/articles/${article.slug}/comments`, { headers, data: { ...data, formToken } });
}

/**
 * A report straight in the database, for tests about what follows a report (the queue, the
 * hold): the report form itself is tested above. The table's triggers count it, as for the form.
 */
function insertReport(commentId: number, account: TestAccount, reason: string, note = ""): void {
  withDb((db) =>
    db.prepare("insert into comment_reports (comment_id, user_id, reason, note, created_at) values (?, ?, ?, ?, ?)").run(commentId, account.id, reason, note, Date.now()),
  );
}

/** Posts through the article's own comment form as the signed-in reader of `page`; returns the new comment's id. */
async function postThroughForm(page: Page, text: string): Promise<number> {
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(text);
  const before = page.url();
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect.poll(() => page.url()).not.toBe(before);
  await expect(page).toHaveURL(/#comment-\d+$/);
  return Number(/#comment-(\d+)$/.exec(page.url())![1]);
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? "with" : "without";

  test(`Report ${how} JavaScript: a guest signs in first, a missing reason is refused with the note kept, sent it reads Reported`, async ({ browser, baseURL }) => {
    const article = createArticle(`report-${javaScriptEnabled ? "js" : "no-js"}`);
    const id = insertComment(article, `Reportable remark, ${how} JavaScript.`);
    const reader = await createAccount("reader");
    const page = await pageFor(browser, baseURL!, null, javaScriptEnabled);
    await openShowing(page, article.path, id);

    // A guest follows Report: sent to sign in, then to the form.
    const link = own(page, id).getByRole("link", { name: "Report", exact: true });
    await expect(link).toHaveAttribute("href", `/comments/${id}/report`);
    await link.click();
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(`/comments/${id}/report`);
    await page.getByLabel("Email").fill(reader.email);
    await page.getByLabel("Password").fill(reader.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`/comments/${id}/report$`));
    await expect(page.getByRole("heading", { name: "Report a comment", level: 1 })).toBeVisible();
    for (const reason of ["Offensive", "Abusive or harassing", "Spam or advertising", "Off topic", "Other"]) {
      await expect(page.getByRole("radio", { name: reason, exact: true })).not.toBeChecked();
    }
    const note = page.getByRole("textbox", { name: "Note (optional)" });
    await expect(note).toHaveAttribute("maxlength", "500");

    // No reason: refused, the note kept, nothing stored.
    await note.fill(`It mocks the mayor (${how} JavaScript).`);
    await page.getByRole("button", { name: "Send report" }).click();
    await expect(page.getByText("Choose why you are reporting this comment.")).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Note (optional)" })).toHaveValue(`It mocks the mayor (${how} JavaScript).`);
    expect(reportsOf(id)).toEqual([]);
    await page.screenshot({ path: test.info().outputPath(`report-refused-${how}-js.png`), fullPage: true });

    // With a reason: back at the comment on the article, where the control reads Reported.
    await page.getByRole("radio", { name: "Abusive or harassing", exact: true }).check();
    await page.getByRole("button", { name: "Send report" }).click();
    await expect(page).toHaveURL(new RegExp(`${article.path}(\\?[^#]*)?#comment-${id}$`));
    await expect(own(page, id).getByText("Reported", { exact: true })).toBeVisible();
    await expect(own(page, id).getByRole("link", { name: "Report", exact: true })).toHaveCount(0);
    expect(reportsOf(id)).toEqual([{ reason: "abusive", note: `It mocks the mayor (${how} JavaScript).`, userId: reader.id, closed: null }]);
    expect(commentRow(id)).toMatchObject({ status: "approved", openReports: 1 });
    await page.screenshot({ path: test.info().outputPath(`reported-${how}-js.png`), fullPage: true });

    // Read again, it is still theirs; another reader still has Report.
    await page.goto(article.path);
    await expect(own(page, id).getByText("Reported", { exact: true })).toBeVisible();
    await page.context().close();
    const other = await pageFor(browser, baseURL!, await createAccount("reader"), javaScriptEnabled);
    await other.goto(article.path);
    await expect(other.getByText(/^Logged in as /)).toBeVisible();
    await expect(own(other, id).getByRole("link", { name: "Report", exact: true })).toBeVisible();
    await expect(own(other, id).getByText("Reported", { exact: true })).toHaveCount(0);
    await other.context().close();
  });
}

test("three readers' reports hold a published comment: pending, 'Reported by 3 readers', gone from the public page", async ({ browser, baseURL }) => {
  const article = createArticle("hold");
  const id = insertComment(article, "Three readers will report this.");
  const readers = await Promise.all([1, 2, 3].map(() => createAccount("reader")));
  const guest = await pageFor(browser, baseURL!, null);
  await openShowing(guest, article.path, id);

  insertReport(id, readers[0]!, "offensive");
  insertReport(id, readers[1]!, "spam");
  // Two reports: still published.
  expect(commentRow(id)).toMatchObject({ status: "approved", openReports: 2 });
  await guest.goto(article.path);
  await expect(guest.locator(`#comment-${id}`)).toBeVisible();

  // The third, from the report page with JavaScript: held.
  const third = await pageFor(browser, baseURL!, readers[2]!, true);
  await third.goto(article.path);
  await own(third, id).getByRole("link", { name: "Report", exact: true }).click();
  await expect(third).toHaveURL(new RegExp(`/comments/${id}/report$`));
  await third.getByRole("radio", { name: "Other", exact: true }).check();
  await third.getByRole("button", { name: "Send report" }).click();
  await expect(third).toHaveURL(new RegExp(article.path));
  await third.context().close();
  expect(commentRow(id)).toMatchObject({ status: "pending", reason: "Reported by 3 readers" });

  await reloadUntil(guest, article.path, () => expect(guest.locator(`#comment-${id}`)).toHaveCount(0, { timeout: 1_000 }));
  await guest.context().close();

  const mod = await pageFor(browser, baseURL!, moderator);
  await mod.goto(`/moderation?queue=pending&article=${article.id}`);
  await expect(mod.locator(`#c-${id}`)).toContainText("Reported by 3 readers");
  await mod.context().close();
});

test("the Reported queue: most reported first, every reason, note and reporter; Approve keeps the comment and closes its reports; Trash", async ({ browser, baseURL }) => {
  const article = createArticle("queue");
  const twice = insertComment(article, "Reported twice in the queue test.");
  const once = insertComment(article, "Reported once in the queue test.");
  const [r1, r2, r3] = await Promise.all([1, 2, 3].map(() => createAccount("reader")));
  // The once-reported comment first: the order is by reports, not by time.
  insertReport(once, r3!, "off_topic", "Nothing to do with the budget.");
  insertReport(twice, r1!, "offensive", "Rude about the mayor.");
  insertReport(twice, r2!, "abusive");
  const reportedCount = () => withDb((db) => (db.prepare("select count(*) as n from comments where status = 'approved' and open_report_count > 0").get() as { n: number }).n);

  const page = await pageFor(browser, baseURL!, moderator);
  await page.goto("/moderation");
  const tab = page.getByRole("navigation", { name: "Queues" }).getByRole("link", { name: /^Reported \(\d+\)$/ });
  await expect(tab).toHaveText(new RegExp(`^Reported \\(${reportedCount()}\\)$`));
  await tab.click();
  await expect(page).toHaveURL(/[?&]queue=reported/);
  const order = await page.locator("[data-queue-item]").evaluateAll((items) => items.map((li) => li.id));
  expect(order).toContain(`c-${twice}`);
  expect(order).toContain(`c-${once}`);
  expect(order.indexOf(`c-${twice}`)).toBeLessThan(order.indexOf(`c-${once}`));

  const rowTwice = page.locator(`#c-${twice}`);
  await expect(rowTwice).toContainText("2 reports");
  const twiceReports = rowTwice.locator(".queue-item__reports li");
  await expect(twiceReports.filter({ hasText: "Offensive" })).toContainText("Rude about the mayor.");
  await expect(twiceReports.filter({ hasText: "Offensive" }).getByRole("link", { name: r1!.name })).toBeVisible();
  await expect(twiceReports.filter({ hasText: "Abusive or harassing" }).getByRole("link", { name: r2!.name })).toBeVisible();
  const rowOnce = page.locator(`#c-${once}`);
  await expect(rowOnce).toContainText("1 report");
  await expect(rowOnce).toContainText("Off topic");
  await expect(rowOnce).toContainText("Nothing to do with the budget.");
  await expect(rowOnce.getByRole("link", { name: r3!.name })).toBeVisible();
  for (const name of ["Approve", "Spam", "Trash"]) await expect(rowTwice.getByRole("button", { name, exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("reported-queue.png"), fullPage: true });

  // Approve: still published, its reports closed, out of the queue.
  await rowTwice.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment kept, their reports closed." })).toBeVisible();
  await expect(page).toHaveURL(/[?&]queue=reported/);
  await expect(page.locator(`#c-${twice}`)).toHaveCount(0);
  expect(commentRow(twice)).toMatchObject({ status: "approved", openReports: 0 });
  expect(reportsOf(twice).every((r) => r.closed !== null)).toBe(true);
  await expect(tab).toHaveText(new RegExp(`^Reported \\(${reportedCount()}\\)$`));

  // Trash: out of the queue and off the article.
  await page.locator(`#c-${once}`).getByRole("button", { name: "Trash", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment moved to Trash." })).toBeVisible();
  await expect(page.locator(`#c-${once}`)).toHaveCount(0);
  expect(commentRow(once).status).toBe("trash");

  await reloadUntil(page, article.path, async () => {
    await expect(page.locator(`#comment-${once}`)).toHaveCount(0, { timeout: 1_000 });
    await expect(page.locator(`#comment-${twice}`)).toBeVisible({ timeout: 1_000 });
  });
  await page.context().close();
});

test("the commenter page: notes, Suspend (the reader's forms and API refused) and Lift, Always pre-moderate, Ban and Unban", async ({ browser, baseURL, request }) => {
  const article = createArticle("commenter");
  const reader = await createAccount("reader");
  const id = insertComment(article, "A reader with a record.", { account: reader });
  const other = insertComment(article, "Someone else's comment the reader might report.");

  const page = await pageFor(browser, baseURL!, moderator);
  await page.goto(`/moderation?queue=approved&article=${article.id}`);
  const author = page.locator(`#c-${id}`).getByRole("link", { name: reader.name, exact: true });
  await expect(author).toHaveAttribute("href", `/moderation/commenter?account=${reader.id}`);
  await author.click();
  await expect(page).toHaveURL(new RegExp(`/moderation/commenter\\?account=${reader.id}$`));
  await expect(page.getByRole("heading", { name: reader.name, level: 1 })).toBeVisible();

  // A note, with the moderator's name, and deleted again.
  const notes = page.getByRole("region", { name: /^Moderator notes/ });
  await notes.getByRole("textbox", { name: "Note", exact: true }).fill("Warned by email about personal attacks.");
  await notes.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Note added." })).toBeVisible();
  const note = notes.getByRole("listitem").filter({ hasText: "Warned by email about personal attacks." });
  await expect(note).toContainText(moderator.name);
  await note.locator("button", { hasText: /^Delete$/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Note deleted." })).toBeVisible();
  await expect(notes.getByText("Warned by email about personal attacks.")).toHaveCount(0);

  // Suspend for 3 hours with a message.
  const actions = page.getByRole("region", { name: "Actions" });
  for (const length of ["1 hour", "3 hours", "24 hours", "7 days"]) await expect(actions.getByRole("radio", { name: length, exact: true })).toBeVisible();
  await actions.getByRole("radio", { name: "3 hours", exact: true }).check();
  await actions.getByRole("textbox", { name: "Message to the reader (optional)" }).fill("Cool off, please: no personal attacks.");
  await actions.getByRole("button", { name: "Suspend", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Suspended." })).toBeVisible();
  await expect(actions.getByRole("button", { name: "Lift suspension" })).toBeVisible();
  const standing = (await page.getByTestId("standing").textContent())!;
  const until = /^Suspended until (.+? UTC)/.exec(standing)?.[1];
  expect(until, standing).toBeTruthy();
  const suspendedUntil = withDb((db) => (db.prepare("select suspended_until as t from users where id = ?").get(reader.id) as { t: number }).t);
  expect(Math.abs(suspendedUntil - (Date.now() + 3 * 3_600_000))).toBeLessThan(120_000);

  // The reader, with and without JavaScript: the date and the message instead of the form.
  for (const javaScriptEnabled of [true, false]) {
    const readerPage = await pageFor(browser, baseURL!, reader, javaScriptEnabled);
    await readerPage.goto(article.path);
    const notice = readerPage.locator("#respond").getByRole("status");
    await expect(notice).toContainText(`Your account is suspended until ${until}.`);
    await expect(notice).toContainText("Cool off, please: no personal attacks.");
    await expect(readerPage.getByRole("textbox", { name: "Comment", exact: true })).toBeHidden();
    if (javaScriptEnabled) await readerPage.screenshot({ path: test.info().outputPath("suspended-reader.png"), fullPage: true });
    // Reporting is refused too.
    await readerPage.goto(`/comments/${other}/report`);
    await expect(readerPage.getByRole("alert").filter({ hasText: `Your account is suspended until ${until}.` })).toContainText("You cannot report comments until then.");
    await expect(readerPage.getByRole("button", { name: "Send report" })).toHaveCount(0);
    await readerPage.context().close();
  }
  const refused = await apiPost(request, baseURL!, article, { content: "Posting while suspended." }, reader);
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: string }).error).toContain("suspended");

  // Lifted: the reader can post again.
  await actions.getByRole("button", { name: "Lift suspension" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The suspension is lifted." })).toBeVisible();
  await expect(actions.getByRole("button", { name: "Suspend", exact: true })).toBeVisible();
  const allowed = await apiPost(request, baseURL!, article, { content: "Back after the suspension." }, reader);
  expect(allowed.status()).toBe(201);
  expect(((await allowed.json()) as { status: string }).status).toBe("approved");

  // Always pre-moderate: the reader's next comment is held, and they see it awaiting moderation.
  await actions.getByRole("button", { name: "Always pre-moderate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Every new comment from this commenter is held for moderation." })).toBeVisible();
  await expect(actions.getByRole("button", { name: "Stop pre-moderating" })).toBeVisible();
  const readerPage = await pageFor(browser, baseURL!, reader, true);
  await readerPage.goto(article.path);
  const held = await postThroughForm(readerPage, "Pre-moderated from now on.");
  await expect(readerPage.locator(`#comment-${held}`)).toContainText("Your comment is awaiting moderation.");
  expect(commentRow(held).status).toBe("pending");
  expect(commentRow(held).reason).toContain("Held: this commenter is always pre-moderated");
  await readerPage.context().close();
  await actions.getByRole("button", { name: "Stop pre-moderating" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This commenter's comments are no longer pre-moderated." })).toBeVisible();
  await expect(actions.getByRole("button", { name: "Always pre-moderate" })).toBeVisible();

  // Ban and Unban.
  const banned = () => withDb((db) => (db.prepare("select banned from users where id = ?").get(reader.id) as { banned: number }).banned);
  await actions.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Banned. Nothing was deleted." })).toBeVisible();
  expect(banned()).toBe(1);
  await actions.getByRole("button", { name: "Unban" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The ban is lifted." })).toBeVisible();
  await expect(actions.getByRole("button", { name: "Ban", exact: true })).toBeVisible();
  expect(banned()).toBe(0);
  await page.context().close();
});

test("a guest commenter's page, by email address: Always pre-moderate holds their next comment (without JavaScript)", async ({ browser, baseURL, request }) => {
  const article = createArticle("guest-commenter");
  const email = `guest-${RUN}@example.com`;
  const id = insertComment(article, "A guest with a record.", { name: "Gwen Guest", email });
  const page = await pageFor(browser, baseURL!, moderator, false);
  await page.goto(`/moderation?queue=approved&article=${article.id}`);
  const author = page.locator(`#c-${id}`).getByRole("link", { name: "Gwen Guest", exact: true });
  await expect(author).toHaveAttribute("href", `/moderation/commenter?email=${encodeURIComponent(email)}`);
  await author.click();
  await expect(page.getByRole("heading", { name: "Gwen Guest", level: 1 })).toBeVisible();
  const actions = page.getByRole("region", { name: "Actions" });
  await expect(actions.getByRole("button", { name: "Suspend", exact: true })).toHaveCount(0); // accounts only
  await actions.getByRole("button", { name: "Always pre-moderate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Every new comment from this commenter is held for moderation." })).toBeVisible();

  const res = await apiPost(request, baseURL!, article, { content: "The guest writes again.", name: "Gwen Guest", email });
  expect(res.status()).toBe(201);
  const posted = (await res.json()) as { id: number; status: string };
  expect(posted.status).toBe("pending");
  expect(commentRow(posted.id).reason).toContain("Held: this commenter is always pre-moderated");

  await actions.getByRole("button", { name: "Stop pre-moderating" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This commenter's comments are no longer pre-moderated." })).toBeVisible();
  await page.context().close();
});

test("Feature and Unfeature from /moderation and from the article with JavaScript; Featured comments, Featured and Staff badges", async ({ browser, baseURL }) => {
  const article = createArticle("feature");
  const plain = insertComment(article, "A comment worth featuring.", { name: "Fern Featured" });
  const staff = insertComment(article, "A word from the moderators.", { account: moderator });
  const held = insertComment(article, "A held comment a moderator features.", { name: "Hal Held" }, "pending");

  // From the Approved queue.
  const mod = await pageFor(browser, baseURL!, moderator);
  await mod.goto(`/moderation?queue=approved&article=${article.id}`);
  await mod.locator(`#c-${plain}`).getByRole("button", { name: "Feature", exact: true }).click();
  await expect(mod.getByRole("status").filter({ hasText: "1 comment featured." })).toBeVisible();
  await expect(mod.locator(`#c-${plain}`).getByRole("button", { name: "Unfeature", exact: true })).toBeVisible();
  await expect(mod.locator(`#c-${plain}`).getByRole("button", { name: "Feature", exact: true })).toHaveCount(0);
  expect(commentRow(plain).featured).not.toBeNull();
  // From the Pending queue: featuring a held comment approves it.
  await mod.goto(`/moderation?queue=pending&article=${article.id}`);
  await mod.locator(`#c-${held}`).getByRole("button", { name: "Feature", exact: true }).click();
  await expect(mod.getByRole("status").filter({ hasText: "1 comment featured." })).toBeVisible();
  expect(commentRow(held)).toMatchObject({ status: "approved" });
  expect(commentRow(held).featured).not.toBeNull();

  // A guest: the Featured comments list above the thread, the badges in it.
  const guest = await pageFor(browser, baseURL!, null);
  const featuredList = guest.getByRole("region", { name: "Featured comments" });
  await reloadUntil(guest, article.path, async () => {
    await expect(featuredList.locator(`a[href="/comments/${plain}"]`)).toBeVisible({ timeout: 1_000 });
    await expect(featuredList.locator(`a[href="/comments/${held}"]`)).toBeVisible({ timeout: 1_000 });
  });
  await expect(featuredList.getByRole("heading", { name: "Featured comments" })).toBeVisible();
  await expect(featuredList.locator(`a[href="/comments/${plain}"]`)).toContainText("A comment worth featuring.");
  await expect(own(guest, plain).getByText("Featured", { exact: true })).toBeVisible();
  await expect(own(guest, plain).getByText("Staff", { exact: true })).toHaveCount(0);
  await expect(own(guest, staff).getByText("Staff", { exact: true })).toBeVisible();
  await expect(own(guest, staff).getByText("Featured", { exact: true })).toHaveCount(0);
  const listed = await featuredList.boundingBox();
  const thread = await guest.locator(`#comment-${plain}`).boundingBox();
  expect(listed!.y).toBeLessThan(thread!.y);
  await guest.screenshot({ path: test.info().outputPath("featured.png"), fullPage: true });
  // Its link leads to the comment in the thread.
  await featuredList.locator(`a[href="/comments/${plain}"]`).click();
  await expect(guest).toHaveURL(new RegExp(`${article.path}(\\?[^#]*)?#comment-${plain}$`));
  // No Feature button for a guest or a reader.
  await expect(guest.getByRole("button", { name: /^(Feature|Unfeature)$/ })).toHaveCount(0);
  await guest.context().close();
  const reader = await pageFor(browser, baseURL!, await createAccount("reader"));
  await reader.goto(article.path);
  await expect(reader.getByText(/^Logged in as /)).toBeVisible();
  await expect(own(reader, plain).getByRole("link", { name: "Report", exact: true })).toBeVisible();
  await expect(reader.getByRole("button", { name: /^(Feature|Unfeature)$/ })).toHaveCount(0);
  await reader.context().close();

  // The moderator on the article, with JavaScript: Unfeature in place.
  await mod.goto(article.path);
  await own(mod, plain).getByRole("button", { name: "Unfeature", exact: true }).click();
  await expect(own(mod, plain).getByRole("button", { name: "Feature", exact: true })).toBeVisible();
  expect(commentRow(plain).featured).toBeNull();
  await reloadUntil(mod, article.path, () => expect(mod.getByRole("region", { name: "Featured comments" }).locator(`a[href="/comments/${plain}"]`)).toHaveCount(0, { timeout: 1_000 }));
  await mod.context().close();
});

test("Feature and Unfeature on the article without JavaScript: the form posts and comes back to the comment", async ({ browser, baseURL }) => {
  const article = createArticle("feature-no-js");
  const id = insertComment(article, "Featured by a moderator whose scripts are off.", { name: "Nell NoScript" });
  const page = await pageFor(browser, baseURL!, moderator, false);
  await openShowing(page, article.path, id);
  await own(page, id).getByRole("button", { name: "Feature", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${article.path}#comment-${id}$`));
  expect(commentRow(id).featured).not.toBeNull();
  await reloadUntil(page, article.path, async () => {
    await expect(own(page, id).getByRole("button", { name: "Unfeature", exact: true })).toBeVisible({ timeout: 1_000 });
    await expect(page.getByRole("region", { name: "Featured comments" }).locator(`a[href="/comments/${id}"]`)).toBeVisible({ timeout: 1_000 });
  });
  await expect(own(page, id).getByText("Featured", { exact: true })).toBeVisible();

  await own(page, id).getByRole("button", { name: "Unfeature", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${article.path}#comment-${id}$`));
  expect(commentRow(id).featured).toBeNull();
  await reloadUntil(page, article.path, () => expect(page.getByRole("region", { name: "Featured comments" })).toHaveCount(0, { timeout: 1_000 }));
  await page.context().close();
});

test("one article's comment settings on /moderation/articles/<id>: Close and Open comments, Pre-moderate all comments, the message above the comments", async ({ browser, baseURL, request }) => {
  const article = createArticle("settings");
  const existing = insertComment(article, "Said before the comments closed.");
  const page = await pageFor(browser, baseURL!, moderator);
  await page.goto(`/moderation/articles/${article.id}`);
  await expect(page.getByRole("heading", { name: article.title, level: 1 })).toBeVisible();
  const panel = page.getByRole("region", { name: "Comments", exact: true });

  // Closed: the thread stays, the form does not, the API answers 403.
  await panel.getByRole("button", { name: "Close comments" }).click();
  await expect(panel.getByRole("status")).toContainText("Comments are closed on this article.");
  await expect(panel.getByRole("button", { name: "Open comments" })).toBeVisible();
  const guest = await pageFor(browser, baseURL!, null);
  await reloadUntil(guest, article.path, () => expect(guest.locator("#comments").getByText("Comments are closed.", { exact: true })).toBeVisible({ timeout: 1_000 }));
  await expect(guest.locator(`#comment-${existing}`)).toBeVisible();
  await expect(guest.getByRole("textbox", { name: "Comment", exact: true })).toHaveCount(0);
  const closed = await apiPost(request, baseURL!, article, { content: "Too late.", name: "Late Guest", email: "late@example.com" });
  expect(closed.status()).toBe(403);

  // Open again.
  await panel.getByRole("button", { name: "Open comments" }).click();
  await expect(panel.getByRole("status")).toContainText("Comments are open on this article");
  await expect(panel.getByRole("button", { name: "Close comments" })).toBeVisible();
  await reloadUntil(guest, article.path, () => expect(guest.getByRole("textbox", { name: "Comment", exact: true })).toBeVisible({ timeout: 1_000 }));

  // Pre-moderate all, and a message above the comments.
  await panel.getByRole("checkbox", { name: "Pre-moderate all comments" }).check();
  await expect(panel.getByRole("checkbox", { name: "Pre-moderate comments with links" })).not.toBeChecked();
  await panel.getByRole("textbox", { name: "Message above the comments" }).fill("Please keep to the council vote.");
  await panel.getByRole("button", { name: "Save comment settings" }).click();
  await expect(panel.getByRole("status")).toContainText("Comment settings saved.");
  await expect(panel.getByRole("checkbox", { name: "Pre-moderate all comments" })).toBeChecked();
  await expect(panel.getByRole("textbox", { name: "Message above the comments" })).toHaveValue("Please keep to the council vote.");
  await page.screenshot({ path: test.info().outputPath("article-comment-settings.png"), fullPage: true });
  await page.context().close();

  await reloadUntil(guest, article.path, () => expect(guest.locator("#comments").getByText("Please keep to the council vote.")).toBeVisible({ timeout: 1_000 }));
  const above = await guest.locator("#comments").getByText("Please keep to the council vote.").boundingBox();
  const first = await guest.locator(`#comment-${existing}`).boundingBox();
  expect(above!.y).toBeLessThan(first!.y);
  await guest.context().close();

  const reader = await pageFor(browser, baseURL!, await createAccount("reader"));
  await reader.goto(article.path);
  const held = await postThroughForm(reader, "Every comment waits here.");
  await expect(reader.locator(`#comment-${held}`)).toContainText("Your comment is awaiting moderation.");
  expect(commentRow(held).status).toBe("pending");
  expect(commentRow(held).reason).toContain("Held: every comment on this article is pre-moderated");
  await reader.context().close();
});

test("the same settings in the Comments section of /editor/<id>, without JavaScript: links pre-moderated, closed and opened", async ({ browser, baseURL, request }) => {
  const article = createArticle("editor-settings");
  const editor = await createAccount("editor");
  const page = await pageFor(browser, baseURL!, editor, false);
  await page.goto(`/editor/${article.id}`);
  const panel = page.getByRole("region", { name: "Comments", exact: true });
  await panel.getByRole("checkbox", { name: "Pre-moderate comments with links" }).check();
  await panel.getByRole("textbox", { name: "Message above the comments" }).fill("Sources welcome; links wait for a moderator.");
  await panel.getByRole("button", { name: "Save comment settings" }).click();
  await expect(page).toHaveURL(new RegExp(`/editor/${article.id}\\?`));
  await expect(panel.getByRole("status")).toContainText("Comment settings saved.");
  await expect(panel.getByRole("checkbox", { name: "Pre-moderate comments with links" })).toBeChecked();
  const settings = () =>
    withDb((db) => db.prepare("select comments_open as open, premoderate_all as preAll, premoderate_links as preLinks, comments_message as message from articles where id = ?").get(article.id));
  expect(settings()).toEqual({ open: 1, preAll: 0, preLinks: 1, message: "Sources welcome; links wait for a moderator." });

  const withLink = await apiPost(request, baseURL!, article, { content: "See https://example.org/budget for the figures.", name: "Link Guest", email: "link@example.com" });
  const linked = (await withLink.json()) as { id: number; status: string };
  expect(linked.status).toBe("pending");
  expect(commentRow(linked.id).reason).toContain("Held: comments with links are pre-moderated on this article");
  const plain = await apiPost(request, baseURL!, article, { content: "No links in this one.", name: "Plain Guest", email: "plain@example.com" });
  expect(((await plain.json()) as { status: string }).status).toBe("approved");

  await panel.getByRole("button", { name: "Close comments" }).click();
  await expect(page).toHaveURL(new RegExp(`/editor/${article.id}\\?`));
  await expect(panel.getByRole("status")).toContainText("Comments are closed on this article.");
  expect(settings()).toMatchObject({ open: 0 });
  const closed = await apiPost(request, baseURL!, article, { content: "Closed now.", name: "Plain Guest", email: "plain@example.com" });
  expect(closed.status()).toBe(403);
  await panel.getByRole("button", { name: "Open comments" }).click();
  await expect(panel.getByRole("status")).toContainText("Comments are open on this article");
  expect(settings()).toMatchObject({ open: 1 });
  await page.context().close();
});
