import { expect, request as playwrightRequest, test } from "./support/test";
import { createAccount, signInAs, type TestAccount } from "./support/accounts";
import { bodyOnceChanged, cachedResponse } from "./support/page-cache";

/**
 * The comments feeds (lib/comments/feed.ts): one per article at
 * /articles/<slug>/comments.xml and the site's at /feed/comments.xml, linked
 * from the pages, listing what readers see and nothing held.
 */
const SLUG = "e2e-comment-feeds";
const PATH = `/articles/${SLUG}`;
const ARTICLE_FEED = `${PATH}/comments.xml`;
const SITE_FEED = "/feed/comments.xml";
let moderator: TestAccount;

test.beforeAll(async () => {
  moderator = await createAccount("moderator");
});

test("the feeds are linked from the article and the front page", async ({ page, baseURL }) => {
  await page.goto(PATH);
  await expect(page.locator(`head link[rel="alternate"][type="application/rss+xml"][href="${baseURL}${ARTICLE_FEED}"]`)).toHaveCount(1);
  await expect(page.locator(`head link[rel="alternate"][type="application/rss+xml"][href="${baseURL}/feed.xml"]`)).toHaveCount(1);
  await expect(page.getByRole("link", { name: "Comments feed (RSS)" })).toHaveAttribute("href", ARTICLE_FEED);
  await page.goto("/");
  await expect(page.locator(`head link[rel="alternate"][type="application/rss+xml"][href="${baseURL}${SITE_FEED}"]`)).toHaveCount(1);
});

test("a newly approved comment is in both feeds, a held one is not, and one marked spam leaves them", async ({ page, browser, baseURL }) => {
  const reader = await playwrightRequest.newContext({ baseURL });
  const stamp = Date.now();
  const approvedText = `Straight into the feed ${stamp} <b>not bold</b> & ]]> 🎉`;
  const heldText = `Held back from the feed ${stamp}.`;
  // Both feeds are served from the cache before the comments arrive.
  for (const path of [ARTICLE_FEED, SITE_FEED]) await cachedResponse(reader, path);

  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  const post = async (content: string, name: string) => {
    await guestPage.goto(PATH);
    await guestPage.getByRole("textbox", { name: "Comment", exact: true }).fill(content);
    await guestPage.getByRole("textbox", { name: "Name", exact: true }).fill(name);
    await guestPage.getByRole("textbox", { name: "Email", exact: true }).fill("feeds@example.com");
    await guestPage.getByRole("button", { name: "Post Comment" }).click();
    await expect(guestPage).toHaveURL(/#comment-\d+$/);
    return Number(new URL(guestPage.url()).hash.replace("#comment-", ""));
  };
  const approvedId = await post(approvedText, "Feed Reader");
  // Akismet's test trigger: spam, which its author sees as held.
  const heldId = await post(heldText, "akismet-guaranteed-spam");
  await expect(guestPage.locator(`#comment-${heldId}`)).toContainText("Your comment is awaiting moderation.");
  await guest.close();

  for (const path of [ARTICLE_FEED, SITE_FEED]) {
    // The site's feed changes with every comment on the site: within a second of the last change.
    await bodyOnceChanged(reader, path, (xml) => xml.includes(`#comment-${approvedId}<`), `the approved comment in ${path}`);
    const response = await reader.get(path);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/rss+xml; charset=utf-8");
    const xml = await response.text();
    expect(xml).toContain(`<title>Comment on E2E article: comment-feeds by Feed Reader</title>`);
    expect(xml).toContain(`<link>${baseURL}${PATH}#comment-${approvedId}</link>`);
    expect(xml).toContain(`<dc:creator>Feed Reader</dc:creator>`);
    // The text as escaped HTML, in CDATA split around "]]>".
    expect(xml).toContain(`&lt;b&gt;not bold&lt;/b&gt; &amp; ]]&gt; 🎉`);
    expect(xml).not.toContain(heldText);
    expect(xml).not.toContain(`#comment-${heldId}<`);
    // Conditional GET: the same feed again is a 304.
    const again = await reader.get(path, { headers: { "If-None-Match": response.headers()["etag"]! } });
    expect(again.status()).toBe(304);
  }
  // The browser parses it as XML without an error.
  await page.goto(PATH);
  const parsed = await page.evaluate(async (path) => {
    const text = await (await fetch(path)).text();
    const doc = new DOMParser().parseFromString(text, "application/xml");
    return { error: doc.querySelector("parsererror")?.textContent ?? null, first: doc.querySelector("item > description")?.textContent };
  }, `${baseURL}${ARTICLE_FEED}`);
  expect(parsed.error).toBeNull();
  expect(parsed.first).toContain("&lt;b&gt;not bold&lt;/b&gt; &amp; ]]&gt; 🎉");

  // A moderator marks the approved one as spam: it leaves both feeds.
  await signInAs(page.context(), moderator, baseURL!);
  await page.goto(`/moderation?queue=approved&q=${encodeURIComponent(`Straight into the feed ${stamp}`)}`);
  await page.locator("[data-queue-item]", { hasText: `Straight into the feed ${stamp}` }).getByRole("button", { name: "Spam" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment marked as spam." })).toBeVisible();
  for (const path of [ARTICLE_FEED, SITE_FEED]) {
    await bodyOnceChanged(reader, path, (xml) => !xml.includes(`#comment-${approvedId}<`), `the comment marked spam gone from ${path}`);
  }
  // Approving the held one puts it in both.
  await page.goto(`/moderation?queue=spam&q=${encodeURIComponent(heldText)}`);
  await page.locator("[data-queue-item]", { hasText: heldText }).getByRole("button", { name: "Not spam" }).click();
  await expect(page.getByRole("status").filter({ hasText: /1 comment/ })).toBeVisible();
  for (const path of [ARTICLE_FEED, SITE_FEED]) {
    await expect.poll(async () => (await reader.get(path)).text(), { timeout: 5_000 }).toContain(heldText);
  }
  await reader.dispose();
});

test("an unknown or malformed article has no feed", async ({ request }) => {
  expect((await request.get("/articles/no-such-article/comments.xml")).status()).toBe(404);
  expect((await request.get("/articles/Not%20a%20slug/comments.xml")).status()).toBe(404);
  const direct = await request.get(`/cached/feed/comments/${SLUG}`, { maxRedirects: 0 });
  expect(direct.status()).toBe(307);
  expect(direct.headers()["location"]).toBe(ARTICLE_FEED);
});
