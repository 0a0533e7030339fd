import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";

// The tags each feed declares (what expires it), and no caching: each call renders.
const declared: string[][] = [];
vi.mock("next/cache", () => ({
  unstable_cache:
    <T,>(fn: () => Promise<T>, _key: string[], options: { tags?: string[] }) =>
    () => {
      declared.push(options.tags ?? []);
      return fn();
    },
  revalidateTag: () => undefined,
}));

const { articleSlugs, articles, comments } = await import("@/db/schema");
const { getDb } = await import("@/lib/db");
const { updateSettings } = await import("@/lib/settings");
const { COMMENT_FEED_LIMIT, listFeedComments } = await import("@/lib/comments/feed");
const siteFeedRoute = await import("@/app/(cached)/cached/feed/[file]/route");
const articleFeedRoute = await import("@/app/(cached)/cached/feed/comments/[slug]/route");
const { createArticle, createComment } = await import("../support/factories");

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
const request = new Request("http://localhost:3000/feed/comments.xml");
const siteFeed = () => siteFeedRoute.GET(request, { params: Promise.resolve({ file: "comments.xml" }) });
const articleFeed = (slug: string) => articleFeedRoute.GET(request, { params: Promise.resolve({ slug }) });

/** The <item>s of a feed: guid (the comment's id), title and link. */
function items(xml: string): { id: number; title: string; link: string }[] {
  return [...xml.matchAll(/<item>([\s\S]*?)<\/item>/g)].map(([, body]) => ({
    id: Number(/#comment-(\d+)<\/guid>/.exec(body!)![1]),
    title: /<title>(.*)<\/title>/.exec(body!)![1]!,
    link: /<link>(.*)<\/link>/.exec(body!)![1]!,
  }));
}

beforeEach(async () => {
  declared.length = 0;
  await updateSettings({ commentOrder: "oldest", commentsPerPage: 50 });
});

describe("the comments feeds", () => {
  it("list only what readers see: approved comments on published articles, newest first", async () => {
    const article = await createArticle({ title: "Rivers & <roads>" });
    const other = await createArticle();
    const draft = await createArticle({ status: "draft" });
    const first = await createComment(article.id, { createdAt: at(1), authorName: "Ada" });
    const onOther = await createComment(other.id, { createdAt: at(2) });
    const reply = await createComment(article.id, { parentId: first.id, createdAt: at(3) });
    await createComment(draft.id, { createdAt: at(4) });
    for (const status of ["pending", "spam", "trash"] as const) await createComment(article.id, { status, createdAt: at(5) });
    // An approved reply under a comment moved to spam is not on the page, so not in the feed.
    const spammed = await createComment(article.id, { createdAt: at(6) });
    await createComment(article.id, { parentId: spammed.id, createdAt: at(7) });
    await getDb().update(comments).set({ status: "spam" }).where(eq(comments.id, spammed.id));

    const site = await siteFeed();
    expect(site.status).toBe(200);
    expect(site.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(site.headers.get("etag")).toMatch(/^W\/"/);
    const siteXml = await site.text();
    expect(items(siteXml).map((i) => i.id)).toEqual([reply.id, onOther.id, first.id]);
    expect(items(siteXml)[2]!.title).toBe("Comment on Rivers &amp; &lt;roads&gt; by Ada");
    expect(declared.at(-1)).toEqual(expect.arrayContaining(["site", "front"]));

    const one = await articleFeed(article.slug);
    expect(one.status).toBe(200);
    const xml = await one.text();
    expect(items(xml).map((i) => i.id)).toEqual([reply.id, first.id]);
    expect(xml).toContain(`<atom:link href="http://localhost:3000/articles/${article.slug}/comments.xml" rel="self"`);
    expect(xml).toContain("<title>Comments on Rivers &amp; &lt;roads&gt;</title>");
    expect(declared.at(-1)).toEqual(expect.arrayContaining(["site", `article:${article.id}`, `slug:${article.slug}`]));
  });

  it("link each comment on the page it is on, in the site's order", async () => {
    const article = await createArticle();
    const c = [];
    for (let i = 0; i < 7; i += 1) c.push(await createComment(article.id, { createdAt: at(i) }));
    const reply = await createComment(article.id, { parentId: c[0]!.id, createdAt: at(30) });
    await updateSettings({ commentsPerPage: 5 });
    const base = `http://localhost:3000/articles/${article.slug}`;
    const links = async () => Object.fromEntries(items(await (await articleFeed(article.slug)).text()).map((i) => [i.id, i.link]));
    let byId = await links();
    expect(byId[c[6]!.id]).toBe(`${base}?cpage=2#comment-${c[6]!.id}`);
    expect(byId[c[0]!.id]).toBe(`${base}#comment-${c[0]!.id}`);
    expect(byId[reply.id]).toBe(`${base}#comment-${reply.id}`);
    await updateSettings({ commentOrder: "newest" });
    byId = await links();
    expect(byId[c[6]!.id]).toBe(`${base}#comment-${c[6]!.id}`);
    expect(byId[c[0]!.id]).toBe(`${base}?cpage=2#comment-${c[0]!.id}`);
    expect(byId[reply.id]).toBe(`${base}?cpage=2#comment-${reply.id}`);
  });

  it(`list at most ${COMMENT_FEED_LIMIT} comments, the newest`, async () => {
    const article = await createArticle();
    const made = [];
    for (let i = 0; i < COMMENT_FEED_LIMIT + 3; i += 1) made.push(await createComment(article.id, { createdAt: at(i) }));
    const listed = await listFeedComments({ articleId: article.id, paging: { perPage: 50, order: "oldest" } });
    expect(listed).toHaveLength(COMMENT_FEED_LIMIT);
    expect(listed[0]!.id).toBe(made.at(-1)!.id);
    expect(listed.at(-1)!.id).toBe(made[3]!.id);
  });

  it("answer 404 for unknown, unpublished and malformed articles, and follow a renamed one", async () => {
    const draft = await createArticle({ status: "draft" });
    await createComment(draft.id);
    expect((await articleFeed(draft.slug)).status).toBe(404);
    expect((await articleFeed("no-such-article")).status).toBe(404);
    expect((await articleFeed("Not A Slug/../x")).status).toBe(404);
    expect((await articleFeed("a".repeat(500))).status).toBe(404);
    expect((await siteFeedRoute.GET(request, { params: Promise.resolve({ file: "other.xml" }) })).status).toBe(404);

    const moved = await createArticle();
    await getDb().insert(articleSlugs).values({ slug: "old-address", articleId: moved.id });
    await expect(articleFeed("old-address")).rejects.toMatchObject({
      digest: expect.stringContaining(`/articles/${moved.slug}/comments.xml`),
    });
    // Unpublished, its feed goes too.
    await getDb().update(articles).set({ status: "draft" }).where(eq(articles.id, moved.id));
    expect((await articleFeed(moved.slug)).status).toBe(404);
    expect((await articleFeed("old-address")).status).toBe(404);
  });

  it("show a newly approved comment and drop one moved to spam", async () => {
    const article = await createArticle();
    const held = await createComment(article.id, { status: "pending" });
    expect(items(await (await articleFeed(article.slug)).text())).toEqual([]);
    await getDb().update(comments).set({ status: "approved" }).where(eq(comments.id, held.id));
    expect(items(await (await articleFeed(article.slug)).text()).map((i) => i.id)).toEqual([held.id]);
    expect(items(await (await siteFeed()).text()).map((i) => i.id)).toContain(held.id);
    await getDb().update(comments).set({ status: "spam" }).where(eq(comments.id, held.id));
    expect(items(await (await articleFeed(article.slug)).text())).toEqual([]);
    expect(items(await (await siteFeed()).text()).map((i) => i.id)).not.toContain(held.id);
  });
});
