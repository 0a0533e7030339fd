import { beforeEach, describe, expect, it, vi } from "vitest";

// Next's data cache, faked by key: what is kept under one key is served for it
// again, so an order missing from a key would show the other order's page.
const dataCache = new Map<string, unknown>();
vi.mock("next/cache", () => ({
  unstable_cache:
    <T,>(fn: () => Promise<T>, key: string[]) =>
    async () => {
      const k = JSON.stringify(key);
      if (!dataCache.has(k)) dataCache.set(k, await fn());
      return dataCache.get(k) as T;
    },
  revalidateTag: () => undefined,
}));

const { getThreadPage, pageOfComment, placesOfComments } = await import("@/lib/comments/thread");
const { loadArticlePage } = await import("@/lib/articles/page");
const { commentsJsonForApi } = await import("@/lib/comments/api");
const { getSettings, updateSettings } = await import("@/lib/settings");
const { saveModerationSettingsForm } = await import("@/lib/moderation/settings-form");
const { getDb } = await import("@/lib/db");
const { createArticle, createComment } = await import("../support/factories");

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

/** An article with 7 approved top-level comments, a minute apart (c[0] oldest), and replies under c[5]. */
async function thread() {
  const article = await createArticle();
  const c = [];
  for (let i = 0; i < 7; i += 1) c.push(await createComment(article.id, { createdAt: at(i), content: `top ${i}` }));
  const replyLate = await createComment(article.id, { parentId: c[5]!.id, createdAt: at(30), content: "reply late" });
  const replyEarly = await createComment(article.id, { parentId: c[5]!.id, createdAt: at(20), content: "reply early" });
  const nested = await createComment(article.id, { parentId: replyEarly.id, createdAt: at(25), content: "nested" });
  return { article, c, replyLate, replyEarly, nested };
}

const ids = (page: { roots: { id: number }[] }) => page.roots.map((r) => r.id);

beforeEach(async () => {
  dataCache.clear();
  await updateSettings({ commentOrder: "oldest", commentsPerPage: 50 });
});

describe("comment order across pages", () => {
  it("slices each page of newest first from the newest end, and keeps replies oldest first", async () => {
    const { article, c, replyEarly, replyLate, nested } = await thread();
    const db = getDb();
    const oldest = await Promise.all([1, 2, 3].map((page) => getThreadPage(db, article.id, { page, perPage: 3 })));
    expect(oldest.map(ids)).toEqual([[c[0]!.id, c[1]!.id, c[2]!.id], [c[3]!.id, c[4]!.id, c[5]!.id], [c[6]!.id]]);
    const newest = await Promise.all([1, 2, 3].map((page) => getThreadPage(db, article.id, { page, perPage: 3, order: "newest" })));
    expect(newest.map(ids)).toEqual([[c[6]!.id, c[5]!.id, c[4]!.id], [c[3]!.id, c[2]!.id, c[1]!.id], [c[0]!.id]]);
    expect(newest.map((p) => [p.page, p.pageCount, p.order])).toEqual([[1, 3, "newest"], [2, 3, "newest"], [3, 3, "newest"]]);
    // The replies under c[5], on page 1 newest first: oldest first, nested under their parent.
    const parent = newest[0]!.roots[1]!;
    expect(parent.children.map((r) => r.id)).toEqual([replyEarly.id, replyLate.id]);
    expect(parent.children[0]!.children.map((r) => r.id)).toEqual([nested.id]);
    // Past the end: the last page, in either order.
    expect(ids(await getThreadPage(db, article.id, { page: 99, perPage: 3, order: "newest" }))).toEqual([c[0]!.id]);
  });

  it("knows the page a comment is on in both orders, replies by their top-level comment", async () => {
    const { article, c, nested } = await thread();
    const db = getDb();
    const pages = async (id: number) => [
      await pageOfComment(db, article.id, id, 3, "oldest"),
      await pageOfComment(db, article.id, id, 3, "newest"),
    ];
    expect(await pages(c[0]!.id)).toEqual([1, 3]);
    expect(await pages(c[3]!.id)).toEqual([2, 2]);
    expect(await pages(c[4]!.id)).toEqual([2, 1]);
    expect(await pages(c[6]!.id)).toEqual([3, 1]);
    expect(await pages(nested.id)).toEqual([2, 1]);
    // The same answers for several at once (the feeds' permalinks).
    const places = await placesOfComments(db, [c[0]!.id, c[4]!.id, nested.id], 3, "newest");
    expect([c[0]!.id, c[4]!.id, nested.id].map((id) => places.get(id)?.page)).toEqual([3, 1, 1]);
    // Every page found holds the comment.
    for (const order of ["oldest", "newest"] as const) {
      for (const comment of c) {
        const page = await pageOfComment(db, article.id, comment.id, 3, order);
        expect(ids(await getThreadPage(db, article.id, { page, perPage: 3, order }))).toContain(comment.id);
      }
    }
  });

  it("shows a reader's own held comment where new comments appear: last page oldest first, top of page 1 newest first", async () => {
    const { article, c } = await thread();
    const db = getDb();
    const held = await createComment(article.id, { status: "pending", createdAt: at(40), content: "mine, held" });
    expect(await pageOfComment(db, article.id, held.id, 3, "oldest")).toBe(3);
    expect(await pageOfComment(db, article.id, held.id, 3, "newest")).toBe(1);
    const newestFirst = await getThreadPage(db, article.id, { page: 1, perPage: 3, order: "newest", ownIds: [held.id] });
    expect(ids(newestFirst)).toEqual([held.id, c[6]!.id, c[5]!.id, c[4]!.id]);
    expect(newestFirst.roots[0]!.awaitingModeration).toBe(true);
    expect(ids(await getThreadPage(db, article.id, { page: 3, perPage: 3, order: "newest", ownIds: [held.id] }))).toEqual([c[0]!.id]);
    expect(ids(await getThreadPage(db, article.id, { page: 3, perPage: 3, ownIds: [held.id] }))).toEqual([c[6]!.id, held.id]);
    // Nobody else sees it.
    expect(ids(await getThreadPage(db, article.id, { page: 1, perPage: 3, order: "newest" }))).not.toContain(held.id);
  });
});

describe("the site setting and the reader's choice", () => {
  it("orders the article page by the setting unless the reader picked an order", async () => {
    const { article, c } = await thread();
    await updateSettings({ commentsPerPage: 5 });
    expect(ids((await loadArticlePage(article, { page: 1 })).thread)[0]).toBe(c[0]!.id);
    await updateSettings({ commentOrder: "newest" });
    const byDefault = (await loadArticlePage(article, { page: 1 })).thread;
    expect(byDefault.order).toBe("newest");
    expect(ids(byDefault)).toEqual([c[6]!.id, c[5]!.id, c[4]!.id, c[3]!.id, c[2]!.id]);
    const chosen = (await loadArticlePage(article, { page: 2, order: "oldest" })).thread;
    expect(ids(chosen)).toEqual([c[5]!.id, c[6]!.id]);
  });

  it("places a comment by the site's order when no order is named (an address without ?order=)", async () => {
    const { article, c } = await thread();
    expect(await pageOfComment(getDb(), article.id, c[0]!.id, 3)).toBe(1);
    await updateSettings({ commentOrder: "newest" });
    expect(await pageOfComment(getDb(), article.id, c[0]!.id, 3)).toBe(3);
    expect(await pageOfComment(getDb(), article.id, c[6]!.id, 3)).toBe(1);
  });

  it("is set on the moderation settings form, with the edit window, and refuses other values keeping what was typed", async () => {
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      const base = {
        blockWords: "",
        blockEmails: "",
        blockIps: "",
        holdWords: "",
        linkLimit: "2",
        commentOrder: "oldest",
        commentEditMinutes: "10",
        commentsAutoCloseDays: "0",
        spamRetentionDays: "15",
        blatantSpamRetentionDays: "1",
        trashRetentionDays: "30",
        trustMinApproved: "0",
        trustRejectedPercent: "30",
        trustRejectedDays: "7",
        reportsToHold: "3",
        reportsPerHour: "20",
      };
      for (const [k, v] of Object.entries({ ...base, ...fields })) data.set(k, v);
      return data;
    };
    const saved = await saveModerationSettingsForm(form({ commentOrder: "newest", commentEditMinutes: "25" }));
    expect(saved).toMatchObject({ status: "saved", values: { commentOrder: "newest", commentEditMinutes: "25" } });
    expect(await getSettings()).toMatchObject({ commentOrder: "newest", commentEditMinutes: 25 });

    const before = await getSettings();
    const refused = await saveModerationSettingsForm(form({ commentOrder: "random", commentEditMinutes: "1441" }));
    expect(refused.status).toBe("invalid");
    expect(refused.fieldErrors.commentOrder).toBe("Choose Oldest first or Newest first.");
    expect(refused.fieldErrors.commentEditMinutes).toBe("Enter a whole number from 0 to 1440.");
    expect(refused.values).toMatchObject({ commentOrder: "random", commentEditMinutes: "1441" });
    expect(await getSettings()).toEqual(before);
  });
});

describe("the JSON API", () => {
  type Api = { page: number; pageCount: number; order: string; comments: { id: number; permalink: string; replies: { id: number }[] }[] };
  const api = async (slug: string, page: number, order: "oldest" | "newest" | null = null) =>
    JSON.parse((await commentsJsonForApi(slug, page, order))!) as Api;

  it("answers each page in the order asked for, the site's by default, with permalinks to that page", async () => {
    const { article, c, replyEarly } = await thread();
    await updateSettings({ commentsPerPage: 5 });
    const oldest = await api(article.slug, 1);
    expect(oldest).toMatchObject({ page: 1, pageCount: 2, order: "oldest" });
    expect(oldest.comments.map((x) => x.id)).toEqual(c.slice(0, 5).map((x) => x.id));
    // Asked next, the other order gets its own entry, not the one above.
    const newest = await api(article.slug, 1, "newest");
    expect(newest.order).toBe("newest");
    expect(newest.comments.map((x) => x.id)).toEqual([c[6]!.id, c[5]!.id, c[4]!.id, c[3]!.id, c[2]!.id]);
    expect(newest.comments[1]!.replies[0]!.id).toBe(replyEarly.id);
    expect(newest.comments[0]!.permalink).toBe(`http://localhost:3000/articles/${article.slug}?order=newest#comment-${c[6]!.id}`);
    const newest2 = await api(article.slug, 2, "newest");
    expect(newest2.comments.map((x) => x.id)).toEqual([c[1]!.id, c[0]!.id]);
    expect(newest2.comments[1]!.permalink).toBe(`http://localhost:3000/articles/${article.slug}?cpage=2&order=newest#comment-${c[0]!.id}`);
    expect((await api(article.slug, 2)).comments[0]!.permalink).toBe(`http://localhost:3000/articles/${article.slug}?cpage=2#comment-${c[5]!.id}`);

    // The site's default changes what an unspecified order means.
    await updateSettings({ commentOrder: "newest" });
    const byDefault = await api(article.slug, 1);
    expect(byDefault.order).toBe("newest");
    expect(byDefault.comments[0]!.id).toBe(c[6]!.id);
    expect(byDefault.comments[0]!.permalink).toBe(`http://localhost:3000/articles/${article.slug}#comment-${c[6]!.id}`);
  });
});
