import { describe, expect, it } from "vitest";
import {
  articleHistory,
  articleToForm,
  getArticleById,
  listArticlesForEditor,
  movedArticle,
  pendingSendBackNote,
  REVISIONS_KEPT,
  revisionIds,
  saveArticle,
  slugFromTitle,
  transitionArticle,
  workflowActionsFor,
  type ArticleFormValues,
} from "@/lib/articles/editorial";
import { getPublishedArticle, listPublishedArticles } from "@/lib/articles/queries";
import { createArticle, createUser } from "../support/factories";

const ed = async () => {
  const u = await createUser({ role: "editor", name: "Edna Editor" });
  return { id: u.id, name: u.name };
};

function form(overrides: Partial<ArticleFormValues> = {}): ArticleFormValues {
  return { ...articleToForm(null), title: "A title", body: "Some **body** text.", ...overrides };
}

async function created(actor: { id: number; name: string }, overrides: Partial<ArticleFormValues> = {}) {
  const r = await saveArticle(actor, null, form(overrides));
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe("slugs", () => {
  it("come from the title, unique, and can be chosen", async () => {
    expect(slugFromTitle("Syria: US-led Coalition “deeply in denial” — Raqqa café")).toBe("syria-us-led-coalition-deeply-in-denial-raqqa-cafe");
    const actor = await ed();
    const a = await created(actor, { title: "Same title here" });
    const b = await created(actor, { title: "Same title here" });
    expect([a.slug, b.slug]).toEqual(["same-title-here", "same-title-here-2"]);
    const chosen = await saveArticle(actor, null, form({ title: "Other", slug: "same-title-here" }));
    expect(chosen).toMatchObject({ ok: false, fieldErrors: { slug: "Another article already uses this slug (now or before); choose another." } });
    expect(await saveArticle(actor, null, form({ slug: "Not A Slug!" }))).toMatchObject({ ok: false, fieldErrors: { slug: expect.stringMatching(/lower-case/) } });
  });

  it("keep a published article's old address working, and reserve it", async () => {
    const actor = await ed();
    const a = await created(actor, { title: "Moving article" });
    await transitionArticle(actor, a.id, "submit", { expected: "draft" });
    await transitionArticle(actor, a.id, "publish", { expected: "in_review" });
    const article = (await getArticleById(a.id))!;
    const moved = await saveArticle(actor, a.id, { ...articleToForm(article), slug: "moved-article" }, { expectedVersion: article.version });
    expect(moved).toMatchObject({ ok: true, slug: "moved-article" });
    expect(await getPublishedArticle("moving-article")).toBeNull();
    expect((await movedArticle("moving-article"))?.slug).toBe("moved-article");
    expect((await articleHistory(a.id))[0]).toMatchObject({ type: "slug_changed", note: "moving-article → moved-article" });
    // Nobody else may take the old slug while it redirects.
    expect(await saveArticle(actor, null, form({ title: "Squatter", slug: "moving-article" }))).toMatchObject({ ok: false });
    // Changing it back frees it again.
    const again = (await getArticleById(a.id))!;
    await saveArticle(actor, a.id, { ...articleToForm(again), slug: "moving-article" }, { expectedVersion: again.version });
    expect(await movedArticle("moving-article")).toBeNull();
    expect((await movedArticle("moved-article"))?.slug).toBe("moving-article");
  });

  it("of drafts change without redirects", async () => {
    const actor = await ed();
    const a = await created(actor, { title: "Draft only" });
    const article = (await getArticleById(a.id))!;
    await saveArticle(actor, a.id, { ...articleToForm(article), slug: "draft-renamed" });
    expect(await movedArticle("draft-only")).toBeNull();
  });
});

describe("the workflow", () => {
  it("goes draft → in review → published, records each step, and publishes once", async () => {
    const author = await ed();
    const chief = await ed();
    const a = await created(author, { title: "Workflow piece" });
    expect(workflowActionsFor("draft")).toEqual(["submit"]);
    expect(await transitionArticle(author, a.id, "publish", { expected: "draft" })).toEqual({ ok: false, message: "Submit it for review first.", notice: { code: "submit_first" } });
    expect(await transitionArticle(author, a.id, "submit", { expected: "draft" })).toMatchObject({ ok: true, status: "in_review" });
    expect(workflowActionsFor("in_review")).toEqual(["publish", "send_back"]);
    expect(await getPublishedArticle(a.slug)).toBeNull();
    expect(await transitionArticle(chief, a.id, "publish", { expected: "in_review" })).toMatchObject({ ok: true, status: "published" });
    const published = (await getArticleById(a.id))!;
    expect(published.publishedAt).toBeInstanceOf(Date);
    expect((await getPublishedArticle(a.slug))?.id).toBe(a.id);
    expect((await listPublishedArticles()).map((x) => x.id)).toContain(a.id);

    expect(await transitionArticle(chief, a.id, "unpublish", { expected: "published" })).toMatchObject({ ok: true, status: "draft" });
    expect(await getPublishedArticle(a.slug)).toBeNull();
    await transitionArticle(author, a.id, "submit", { expected: "draft" });
    await transitionArticle(chief, a.id, "publish", { expected: "in_review" });
    expect((await getArticleById(a.id))!.publishedAt).toEqual(published.publishedAt); // the first publication date stays

    const steps = (await articleHistory(a.id)).reverse().map((e) => [e.type, e.actorName, e.fromStatus, e.toStatus]);
    expect(steps).toEqual([
      ["created", "Edna Editor", null, "draft"],
      ["submitted", "Edna Editor", "draft", "in_review"],
      ["published", "Edna Editor", "in_review", "published"],
      ["unpublished", "Edna Editor", "published", "draft"],
      ["submitted", "Edna Editor", "draft", "in_review"],
      ["published", "Edna Editor", "in_review", "published"],
    ]);
  });

  it("sends back with a required note the author then sees", async () => {
    const author = await ed();
    const a = await created(author);
    await transitionArticle(author, a.id, "submit", { expected: "draft" });
    expect(await transitionArticle(author, a.id, "send_back", { expected: "in_review", note: "  " })).toMatchObject({ ok: false, message: expect.stringMatching(/note/) });
    expect(await transitionArticle(author, a.id, "send_back", { expected: "in_review", note: "Cite the report's page numbers." })).toMatchObject({ ok: true, status: "draft" });
    expect(await pendingSendBackNote(a.id)).toMatchObject({ note: "Cite the report's page numbers.", actorName: "Edna Editor" });
    await transitionArticle(author, a.id, "submit", { expected: "draft" });
    expect(await pendingSendBackNote(a.id)).toBeNull();
  });

  it("refuses a step on a status that already changed, and empty bodies", async () => {
    const actor = await ed();
    const a = await created(actor);
    await transitionArticle(actor, a.id, "submit", { expected: "draft" });
    expect(await transitionArticle(actor, a.id, "submit", { expected: "draft" })).toEqual({
      ok: false,
      message: "Someone already moved this article to In review; nothing changed.",
      notice: { code: "moved", values: { status: "in_review" } },
    });
    const empty = await created(actor, { body: "" });
    expect(await transitionArticle(actor, empty.id, "submit", { expected: "draft" })).toEqual({ ok: false, message: "Write the body before this step.", notice: { code: "no_body" } });
  });
});

describe("the workflow, at the same time", () => {
  it("lets one of two editors take the same step", async () => {
    const actor = await ed();
    const a = await created(actor);
    const results = await Promise.all([1, 2].map(() => transitionArticle(actor, a.id, "submit", { expected: "draft" })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({
      ok: false,
      message: "Someone already moved this article to In review; nothing changed.",
      notice: { code: "moved", values: { status: "in_review" } },
    });
    expect((await articleHistory(a.id)).filter((e) => e.type === "submitted")).toHaveLength(1);
  });
});

describe("saving", () => {
  it("never overwrites someone else's newer save, and keeps revisions", async () => {
    const actor = await ed();
    const a = await created(actor);
    const opened = (await getArticleById(a.id))!;
    // A workflow step in between does not count as someone else's save.
    await transitionArticle(actor, a.id, "submit", { expected: "draft" });
    const first = await saveArticle(actor, a.id, { ...articleToForm(opened), body: "First edit." }, { expectedVersion: opened.version });
    expect(first).toMatchObject({ ok: true });
    const stale = await saveArticle(actor, a.id, { ...articleToForm(opened), body: "Edit from an old tab." }, { expectedVersion: opened.version });
    expect(stale).toMatchObject({ ok: false, conflict: true, message: expect.stringMatching(/Someone else saved this article/) });
    expect((await getArticleById(a.id))!.body).toBe("First edit.");
    expect(await revisionIds(a.id)).toHaveLength(2);
  });

  it("lets one of two saves from the same version through, at the same time too", async () => {
    const actor = await ed();
    const a = await created(actor);
    const opened = (await getArticleById(a.id))!;
    const results = await Promise.all(
      ["Edit from tab one.", "Edit from tab two."].map((body) =>
        saveArticle(actor, a.id, { ...articleToForm(opened), body }, { expectedVersion: opened.version }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.conflict)).toHaveLength(1);
    const saved = (await getArticleById(a.id))!;
    expect(saved.version).toBe(opened.version + 1);
    expect(["Edit from tab one.", "Edit from tab two."]).toContain(saved.body);
    expect(await revisionIds(a.id)).toHaveLength(2);
  });

  it("gives a slug to one article only when two take it at the same time", async () => {
    const actor = await ed();
    const chosen = await Promise.all([1, 2].map((n) => saveArticle(actor, null, form({ title: `Racer ${n}`, slug: "raced-slug" }))));
    expect(chosen.filter((r) => r.ok)).toHaveLength(1);
    expect(chosen.find((r) => !r.ok)).toMatchObject({ fieldErrors: { slug: expect.stringMatching(/already uses this slug/) } });
    const fromTitle = await Promise.all([1, 2].map(() => saveArticle(actor, null, form({ title: "Same racing title" }))));
    expect(fromTitle.map((r) => (r.ok ? r.slug : r.message)).sort()).toEqual(["same-racing-title", "same-racing-title-2"]);
  });

  it("validates every field and saves nothing on errors", async () => {
    const actor = await ed();
    const r = await saveArticle(actor, null, form({ title: "", heroImageUrl: "javascript:alert(1)", commentsCloseAt: "not a date", summary: "x".repeat(501) }));
    expect(r).toMatchObject({ ok: false, fieldErrors: { title: expect.any(String), heroImageUrl: expect.any(String), commentsCloseAt: expect.any(String), summary: expect.any(String) } });
    expect(await saveArticle(actor, null, form({ heroImageUrl: "/images/local.jpg" }))).toMatchObject({ ok: true });
  });

  it(`keeps the last ${REVISIONS_KEPT} revisions`, async () => {
    const actor = await ed();
    const a = await created(actor);
    for (let i = 0; i < REVISIONS_KEPT + 5; i++) {
      const cur = (await getArticleById(a.id))!;
      await saveArticle(actor, a.id, { ...articleToForm(cur), body: `Version ${i}` });
    }
    const ids = await revisionIds(a.id);
    expect(ids).toHaveLength(REVISIONS_KEPT);
  });

  it("stores per-article comment settings", async () => {
    const actor = await ed();
    const a = await created(actor, { commentsOpen: false, commentsCloseAt: "2030-01-02T03:04" });
    expect(await getArticleById(a.id)).toMatchObject({ commentsOpen: false, commentsCloseAt: new Date("2030-01-02T03:04Z") });
  });

  it("lists articles with their comment counts for the desk", async () => {
    const article = await createArticle({ title: "Listed" });
    const row = (await listArticlesForEditor()).find((x) => x.id === article.id);
    expect(row).toMatchObject({ title: "Listed", approvedComments: 0, pendingComments: 0 });
  });
});
