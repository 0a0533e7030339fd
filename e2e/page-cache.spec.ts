import type { APIResponse } from "@playwright/test";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "./support/test";
import { createAccount, e2eDb, sessionToken, signInAs, type TestAccount } from "./support/accounts";
import { bodyOnceChanged, cachedBody, cachedResponse } from "./support/page-cache";

/**
 * The page cache (docs/decisions/013): anonymous readers get article pages,
 * the front page and the feed from Next's cache, and every change a reader
 * would see reaches the next anonymous request. Each check first makes sure
 * the page is being served from the cache, so it proves an expiry, not a
 * page rendered afresh anyway.
 */
let moderator: TestAccount;
let editor: TestAccount;

test.beforeAll(async () => {
  moderator = await createAccount("moderator");
  editor = await createAccount("editor", { name: "Cache Editor" });
});

/** A reader with no cookies at all, as a search engine or a shared cache would be. */
async function anonymous(baseURL: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL });
}

function articleId(slug: string): number {
  const db = e2eDb();
  try {
    return (db.prepare("select id from articles where slug = ?").get(slug) as { id: number }).id;
  } finally {
    db.close();
  }
}

function insertComment(slug: string, content: string, status: "pending" | "approved"): number {
  const db = e2eDb();
  try {
    return (
      db
        .prepare("insert into comments (article_id, author_name, author_email, content, status) values (?, 'Cache Reader', 'cache@example.com', ?, ?) returning id")
        .get(articleId(slug), content, status) as { id: number }
    ).id;
  } finally {
    db.close();
  }
}

test("anonymous pages are cached and shareable; per-visitor pages are not", async ({ baseURL }) => {
  const reader = await anonymous(baseURL!);
  // Two answers compared must come from one rendering: a change made by an earlier test
  // in the lane (a setting, a user renamed or erased, expired again a second later) may
  // re-render the page between them, with new bytes and a new ETag. Each comparison is
  // repeated until two answers in a row come from one rendering.
  for (const path of ["/articles/e2e-cache", "/", "/feed.xml"]) {
    await expect(async () => {
      const response = await cachedResponse(reader, path);
      expect(response.headers()["cache-control"]).toMatch(/^public, .*s-maxage=\d+, stale-while-revalidate=\d+$/);
      const etag = response.headers()["etag"];
      expect(etag).toBeTruthy();
      const again = await reader.get(path, { headers: { "If-None-Match": etag! } });
      expect(again.status(), `${path} asked again with its ETag`).toBe(304);
    }).toPass({ timeout: 15_000 });
  }
  // Compressed once per page, with its own tag, for browsers that take gzip.
  await expect(async () => {
    const plain = await reader.get("/articles/e2e-cache", { headers: { "Accept-Encoding": "identity" } });
    const gzipped = await reader.get("/articles/e2e-cache", { headers: { "Accept-Encoding": "gzip" } });
    expect(gzipped.headers()["content-encoding"]).toBe("gzip");
    expect(gzipped.headers()["vary"]).toMatch(/Accept-Encoding/i);
    expect(gzipped.headers()["etag"]).not.toBe(plain.headers()["etag"]);
    expect(await gzipped.text()).toBe(await plain.text());
  }).toPass({ timeout: 15_000 });
  // The cached routes answer only through the rewrites; their own addresses lead to the real ones.
  const direct = await reader.get("/cached/articles/e2e-cache/1", { maxRedirects: 0 });
  expect(direct.status()).toBe(307);
  expect(direct.headers()["location"]).toBe("/articles/e2e-cache");
  // A signed-in reader's page is theirs alone: never stored by a shared cache.
  const token = await sessionToken(moderator);
  const signedIn = await reader.get("/articles/e2e-cache", { headers: { Cookie: `next-auth.session-token=${token}` } });
  expect(signedIn.headers()["cache-control"]).toContain("no-store");
  expect(signedIn.headers()["x-nextjs-cache"]).toBeUndefined();
  expect(await signedIn.text()).toContain("Log out?");
  await reader.dispose();
});

test("a comment approved by a moderator shows on the cached page; marked spam, it disappears", async ({ page, context, baseURL }) => {
  const text = `Held until a moderator looks ${Date.now()}.`;
  const id = insertComment("e2e-cache", text, "pending");
  const reader = await anonymous(baseURL!);
  expect(await cachedBody(reader, "/articles/e2e-cache")).not.toContain(text);

  await signInAs(context, moderator, baseURL!);
  await page.goto(`/moderation?queue=pending&q=${encodeURIComponent(text)}`);
  await page.locator("[data-queue-item]", { hasText: text }).getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment approved." })).toBeVisible();

  // On the next request, or within a second when the article changed a moment before (another test).
  const html = await bodyOnceChanged(reader, "/articles/e2e-cache", (body) => body.includes(text), "the approved comment on the cached page");
  expect(html).toContain(`id="comment-${id}"`);
  // The front page counts it too.
  expect(await (await reader.get("/")).text()).toMatch(/E2E article: cache[\s\S]*?\d+ Comments?/);

  await page.goto(`/moderation?queue=approved&q=${encodeURIComponent(text)}`);
  await page.locator("[data-queue-item]", { hasText: text }).getByRole("button", { name: "Spam" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment marked as spam." })).toBeVisible();
  // Within a second of the approval: the page waits for that second, then drops it.
  await bodyOnceChanged(reader, "/articles/e2e-cache", (body) => !body.includes(text), "the comment marked spam gone from the cached page");
  await reader.dispose();
});

test("a change made outside any request (a script, a background job) reaches the cached page", async ({ baseURL }) => {
  const text = `Approved by a script ${Date.now()}.`;
  const id = insertComment("e2e-cache", text, "pending");
  const reader = await anonymous(baseURL!);
  expect(await cachedBody(reader, "/articles/e2e-cache")).not.toContain(text);
  const db = e2eDb();
  try {
    db.prepare("update comments set status = 'approved' where id = ?").run(id);
  } finally {
    db.close();
  }
  // The server reads the change log a few times a second.
  await expect.poll(async () => (await reader.get("/articles/e2e-cache")).text(), { timeout: 5_000 }).toContain(text);
  await reader.dispose();
});

test("an unpublished article answers 404 at once, and comes back once published again", async ({ page, context, baseURL }) => {
  const reader = await anonymous(baseURL!);
  expect(await cachedBody(reader, "/articles/e2e-cache-unpublish")).toContain("E2E article: cache-unpublish");
  await signInAs(context, editor, baseURL!);
  await page.goto(`/editor/${articleId("e2e-cache-unpublish")}`);
  await page.getByRole("button", { name: "Unpublish" }).click();
  await expect(page.getByText("Unpublished: it is a draft again.")).toBeVisible();

  expect((await reader.get("/articles/e2e-cache-unpublish")).status()).toBe(404);
  // The front page and the feed change with every comment on the site: within a second of the last change.
  await bodyOnceChanged(reader, "/", (body) => !body.includes("E2E article: cache-unpublish"), "the unpublished article gone from the front page");
  await bodyOnceChanged(reader, "/feed.xml", (body) => !body.includes("e2e-cache-unpublish"), "the unpublished article gone from the feed");

  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByText("Submitted for review.")).toBeVisible();
  // Still a draft in review: not public yet.
  expect((await reader.get("/articles/e2e-cache-unpublish")).status()).toBe(404);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByText("Published.", { exact: true })).toBeVisible();
  // Within a second of the last change to its address.
  await expect.poll(async () => (await reader.get("/articles/e2e-cache-unpublish")).status(), { timeout: 10_000 }).toBe(200);
  await reader.dispose();
});

test("a query string the page does not read never reaches the cached page, whoever asks first", async ({ page, baseURL }) => {
  const reader = await anonymous(baseURL!);
  const plain = "/articles/e2e-cache-query";
  const tracked = `${plain}?utm_source=evil123&fbclid=zzz`;
  /** Every body the server answered in this test, with or without the parameters: none may carry them. */
  const answered: string[] = [];
  const read = async (response: APIResponse) => {
    const body = await response.text();
    answered.push(body);
    return body;
  };
  /**
   * What later readers get, with or without the parameters: the same bytes
   * under the same ETag as `first`. Repeated until three answers in a row come
   * from one rendering: a change made by an earlier test (a setting, a user
   * renamed or erased, with its second expiry a second later) may re-render
   * the page in between, and a new rendering has new bytes (its form token).
   */
  async function sameForEveryone(firstPath: string): Promise<string> {
    let body = "";
    await expect(async () => {
      const first = await cachedResponse(reader, firstPath);
      const second = await reader.get(plain);
      const again = await reader.get(tracked);
      body = await read(first);
      expect(await read(second)).toBe(body);
      expect(second.headers()["etag"]).toBe(first.headers()["etag"]);
      expect(await read(again)).toBe(body);
      expect(again.headers()["etag"]).toBe(first.headers()["etag"]);
    }).toPass({ timeout: 15_000 });
    return body;
  }

  // The page may already be in the cache, rendered by an earlier test's browser (Next
  // prefetches the front page's article links): a request with the parameters gets it.
  const firstAnswer = await reader.get(tracked);
  expect(firstAnswer.status()).toBe(200);
  await read(firstAnswer);
  await sameForEveryone(plain);

  // Expired by a comment approved outside any request, the page is rendered again by
  // the first request after the expiry, here one with the parameters: the first answer
  // with the comment is that rendering (not from the cache). (Every tag is expired a
  // second time a second later: the same-bytes check is repeated until that is over.)
  const text = `Approved while tracked ${Date.now()}.`;
  const id = insertComment("e2e-cache-query", text, "pending");
  const db = e2eDb();
  try {
    db.prepare("update comments set status = 'approved' where id = ?").run(id);
  } finally {
    db.close();
  }
  let rendering: APIResponse | null = null;
  await expect
    .poll(
      async () => {
        const response = await reader.get(tracked);
        const body = await read(response);
        if (body.includes(text)) rendering = response;
        return body;
      },
      { timeout: 5_000 },
    )
    .toContain(text);
  expect(rendering!.headers()["x-nextjs-cache"], "the first answer with the comment was rendered by the request with the parameters").not.toBe("HIT");
  expect(await sameForEveryone(tracked)).toContain(text);
  await reader.dispose();
  // No answer, whoever asked first, carried the parameters.
  expect(answered.length).toBeGreaterThan(4);
  for (const body of answered) {
    expect(body).not.toContain("evil123");
    expect(body).not.toContain("fbclid");
  }

  // The reader's address keeps its parameters (for the site's own statistics, say).
  await page.goto(tracked);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E article: cache-query");
  await expect(page.getByText(text)).toBeVisible();
  await expect(page).toHaveURL(/\?utm_source=evil123&fbclid=zzz$/);
});

test("unknown slugs leave nothing in the page cache; real pages stay cached; a slug published later answers at once", async ({ baseURL }) => {
  const reader = await anonymous(baseURL!);
  const real = "/articles/e2e-cache-unknown";
  await cachedBody(reader, real);
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const unknown = Array.from({ length: 40 }, (_, i) => `no-such-article-${stamp}-${i}`);
  for (const slug of unknown) {
    // Asked twice: a 404 kept in the cache would answer the second time as a HIT.
    for (const attempt of ["first", "second"]) {
      const response = await reader.get(`/articles/${slug}`);
      expect(response.status(), `${attempt} request for ${slug}`).toBe(404);
      expect(response.headers()["x-nextjs-cache"], `${attempt} request for ${slug}`).not.toBe("HIT");
      expect(await response.text()).toContain("Page not found");
    }
  }
  // The comment feed of an unknown slug is not kept either.
  for (const attempt of ["first", "second"]) {
    const feed = await reader.get(`/articles/${unknown[1]}/comments.xml`);
    expect(feed.status()).toBe(404);
    expect(feed.headers()["x-nextjs-cache"], `${attempt} request for the feed`).not.toBe("HIT");
  }
  // The real page is still served from the cache.
  const after = await reader.get(real);
  expect(after.status()).toBe(200);
  expect(after.headers()["x-nextjs-cache"]).toBe("HIT");

  // An article published at an address that has just answered 404 is there on the next request.
  const title = `Published after a 404 ${stamp}`;
  const db = e2eDb();
  try {
    db.prepare("insert into articles (slug, title, summary, body, status, published_at) values (?, ?, '', 'Here now.', 'published', ?)").run(
      unknown[0],
      title,
      Date.now(),
    );
  } finally {
    db.close();
  }
  const published = await reader.get(`/articles/${unknown[0]}`);
  expect(published.status()).toBe(200);
  expect(await published.text()).toContain(title);
  await reader.dispose();
});

test("a published review shows on the cached page", async ({ page, context, baseURL }) => {
  const reader = await anonymous(baseURL!);
  expect(await cachedBody(reader, "/articles/e2e-cache-review")).toContain("No editor review yet.");
  await signInAs(context, editor, baseURL!);
  await page.goto(`/editor/${articleId("e2e-cache-review")}/review`);
  await page.getByRole("textbox", { name: "Verdict headline" }).fill("Cached no more");
  await page.getByRole("radio", { name: "3 stars" }).check();
  await page.getByRole("button", { name: "Publish review" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Review published." })).toBeVisible();

  const html = await bodyOnceChanged(reader, "/articles/e2e-cache-review", (body) => body.includes("Cached no more"), "the published review on the cached page");
  expect(html).toContain("Rated 3 out of 5");
  expect(html).not.toContain("No editor review yet.");
  await reader.dispose();
});

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled });

    test("the reader's own held comment and remembered fields, on a page others get from the cache", async ({ page, browser, baseURL }) => {
      const reader = await anonymous(baseURL!);
      await cachedBody(reader, "/articles/e2e-cache-visitor");
      const text = `My own held comment ${javaScriptEnabled ? "js" : "nojs"} ${Date.now()}.`;
      await page.goto("/articles/e2e-cache-visitor");
      await page.getByRole("textbox", { name: "Comment", exact: true }).fill(text);
      await page.getByRole("textbox", { name: "Name", exact: true }).fill("akismet-guaranteed-spam");
      await page.getByRole("textbox", { name: "Email", exact: true }).fill("own@example.com");
      await page.getByRole("textbox", { name: "Website", exact: true }).fill("https://own.example");
      await page.getByRole("checkbox", { name: /Save my name, email, and website/ }).check();
      await page.getByRole("button", { name: "Post Comment" }).click();

      await expect(page).toHaveURL(/\/articles\/e2e-cache-visitor#comment-\d+$/);
      const id = new URL(page.url()).hash.slice(1);
      await expect(page.locator(`#${id}`)).toContainText(text);
      await expect(page.locator(`#${id}`)).toContainText("Your comment is awaiting moderation.");
      await page.reload();
      await expect(page.locator(`#${id}`)).toContainText("Your comment is awaiting moderation.");
      await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("akismet-guaranteed-spam");
      await expect(page.getByRole("textbox", { name: "Email", exact: true })).toHaveValue("own@example.com");
      await expect(page.getByRole("textbox", { name: "Website", exact: true })).toHaveValue("https://own.example");

      // Everyone else still gets the cached page, without it.
      expect(await cachedBody(reader, "/articles/e2e-cache-visitor")).not.toContain(text);
      const stranger = await browser.newContext({ javaScriptEnabled });
      const strangerPage = await stranger.newPage();
      await strangerPage.goto("/articles/e2e-cache-visitor");
      await expect(strangerPage.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("");
      await expect(strangerPage.getByText(text)).toHaveCount(0);
      await stranger.close();
      await reader.dispose();
    });

    test("a signed-in reader's form says who they are", async ({ page, context, baseURL }) => {
      const account = await createAccount("reader");
      await signInAs(context, account, baseURL!);
      await page.goto("/articles/e2e-cache-account");
      await expect(page.getByText(`Logged in as ${account.name}.`)).toBeVisible();
      await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveCount(0);
      await expect(page.getByRole("link", { name: account.name })).toBeVisible();
      const text = `Signed-in comment ${javaScriptEnabled ? "js" : "nojs"} ${Date.now()}.`;
      await page.getByRole("textbox", { name: "Comment", exact: true }).fill(text);
      await page.getByRole("button", { name: "Post Comment" }).click();
      await expect(page).toHaveURL(/#comment-\d+$/);
      await expect(page.locator(new URL(page.url()).hash)).toContainText(text);
    });
  });
}
