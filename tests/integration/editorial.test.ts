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

const ed = () => {
  const u = createUser({ role: "editor", name: "Edna Editor" });
  return { id: u.id, name: u.name };
};

function form(overrides: Partial<ArticleFormValues> = {}): ArticleFormValues {
  return { ...articleToForm(null), title: "A title", body: "Some **body** text.", ...overrides };
}

function created(actor: { id: number; name: string }, overrides: Partial<ArticleFormValues> = {}) {
  const r = saveArticle(actor, null, form(overrides));
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe("slugs", () => {
  it("come from the title, unique, and can be chosen", () => {
    expect(slugFromTitle("Syria: US-led Coalition “deeply in denial” — Raqqa café")).toBe("syria-us-led-coalition-deeply-in-denial-raqqa-cafe");
    const actor = ed();
    const a = created(actor, { title: "Same title here" });
    const b = created(actor, { title: "Same title here" });
    expect([a.slug, b.slug]).toEqual(["same-title-here", "same-title-here-2"]);
    const chosen = saveArticle(actor, null, form({ title: "Other", slug: "same-title-here" }));
    expect(chosen).toMatchObject({ ok: false, fieldErrors: { slug: "Another article already uses this slug (now or before); choose another." } });
    expect(saveArticle(actor, null, form({ slug: "Not A Slug!" }))).toMatchObject({ ok: false, fieldErrors: { slug: expect.stringMatching(/lower-case/) } });
  });

  it("keep a published article's old address working, and reserve it", () => {
    const actor = ed();
    const a = created(actor, { title: "Moving article" });
    transitionArticle(actor, a.id, "submit", { expected: "draft" });
    transitionArticle(actor, a.id, "publish", { expected: "in_review" });
    const article = getArticleById(a.id)!;
    const moved = saveArticle(actor, a.id, { ...articleToForm(article), slug: "moved-article" }, { expectedVersion: article.version });
    expect(moved).toMatchObject({ ok: true, slug: "moved-article" });
    expect(getPublishedArticle("moving-article")).toBeNull();
    expect(movedArticle("moving-article")?.slug).toBe("moved-article");
    expect(articleHistory(a.id)[0]).toMatchObject({ type: "slug_changed", note: "moving-article → moved-article" });
    // Nobody else may take the old slug while it redirects.
    expect(saveArticle(actor, null, form({ title: "Squatter", slug: "moving-article" }))).toMatchObject({ ok: false });
    // Changing it back frees it again.
    const again = getArticleById(a.id)!;
    saveArticle(actor, a.id, { ...articleToForm(again), slug: "moving-article" }, { expectedVersion: again.version });
    expect(movedArticle("moving-article")).toBeNull();
    expect(movedArticle("moved-article")?.slug).toBe("moving-article");
  });

  it("of drafts change without redirects", () => {
    const actor = ed();
    const a = created(actor, { title: "Draft only" });
    const article = getArticleById(a.id)!;
    saveArticle(actor, a.id, { ...articleToForm(article), slug: "draft-renamed" });
    expect(movedArticle("draft-only")).toBeNull();
  });
});

describe("the workflow", () => {
  it("goes draft → in review → published, records each step, and publishes once", () => {
    const author = ed();
    const chief = ed();
    const a = created(author, { title: "Workflow piece" });
    expect(workflowActionsFor("draft")).toEqual(["submit"]);
    expect(transitionArticle(author, a.id, "publish", { expected: "draft" })).toEqual({ ok: false, message: "Submit it for review first." });
    expect(transitionArticle(author, a.id, "submit", { expected: "draft" })).toMatchObject({ ok: true, status: "in_review" });
    expect(workflowActionsFor("in_review")).toEqual(["publish", "send_back"]);
    expect(getPublishedArticle(a.slug)).toBeNull();
    expect(transitionArticle(chief, a.id, "publish", { expected: "in_review" })).toMatchObject({ ok: true, status: "published" });
    const published = getArticleById(a.id)!;
    expect(published.publishedAt).toBeInstanceOf(Date);
    expect(getPublishedArticle(a.slug)?.id).toBe(a.id);
    expect(listPublishedArticles().map((x) => x.id)).toContain(a.id);

    expect(transitionArticle(chief, a.id, "unpublish", { expected: "published" })).toMatchObject({ ok: true, status: "draft" });
    expect(getPublishedArticle(a.slug)).toBeNull();
    transitionArticle(author, a.id, "submit", { expected: "draft" });
    transitionArticle(chief, a.id, "publish", { expected: "in_review" });
    expect(getArticleById(a.id)!.publishedAt).toEqual(published.publishedAt); // the first publication date stays

    const steps = articleHistory(a.id).reverse().map((e) => [e.type, e.actorName, e.fromStatus, e.toStatus]);
    expect(steps).toEqual([
      ["created", "Edna Editor", null, "draft"],
      ["submitted", "Edna Editor", "draft", "in_review"],
      ["published", "Edna Editor", "in_review", "published"],
      ["unpublished", "Edna Editor", "published", "draft"],
      ["submitted", "Edna Editor", "draft", "in_review"],
      ["published", "Edna Editor", "in_review", "published"],
    ]);
  });

  it("sends back with a required note the author then sees", () => {
    const author = ed();
    const a = created(author);
    transitionArticle(author, a.id, "submit", { expected: "draft" });
    expect(transitionArticle(author, a.id, "send_back", { expected: "in_review", note: "  " })).toMatchObject({ ok: false, message: expect.stringMatching(/note/) });
    expect(transitionArticle(author, a.id, "send_back", { expected: "in_review", note: "Cite the report's page numbers." })).toMatchObject({ ok: true, status: "draft" });
    expect(pendingSendBackNote(a.id)).toMatchObject({ note: "Cite the report's page numbers.", actorName: "Edna Editor" });
    transitionArticle(author, a.id, "submit", { expected: "draft" });
    expect(pendingSendBackNote(a.id)).toBeNull();
  });

  it("refuses a step on a status that already changed, and empty bodies", () => {
    const actor = ed();
    const a = created(actor);
    transitionArticle(actor, a.id, "submit", { expected: "draft" });
    expect(transitionArticle(actor, a.id, "submit", { expected: "draft" })).toEqual({ ok: false, message: "Someone already moved this article to In review; nothing changed." });
    const empty = created(actor, { body: "" });
    expect(transitionArticle(actor, empty.id, "submit", { expected: "draft" })).toEqual({ ok: false, message: "Write the body before this step." });
  });
});

describe("saving", () => {
  it("never overwrites someone else's newer save, and keeps revisions", () => {
    const actor = ed();
    const a = created(actor);
    const opened = getArticleById(a.id)!;
    // A workflow step in between does not count as someone else's save.
    transitionArticle(actor, a.id, "submit", { expected: "draft" });
    const first = saveArticle(actor, a.id, { ...articleToForm(opened), body: "First edit." }, { expectedVersion: opened.version });
    expect(first).toMatchObject({ ok: true });
    const stale = saveArticle(actor, a.id, { ...articleToForm(opened), body: "Edit from an old tab." }, { expectedVersion: opened.version });
    expect(stale).toMatchObject({ ok: false, conflict: true, message: expect.stringMatching(/Someone else saved this article/) });
    expect(getArticleById(a.id)!.body).toBe("First edit.");
    expect(revisionIds(a.id)).toHaveLength(2);
  });

  it("validates every field and saves nothing on errors", () => {
    const actor = ed();
    const r = saveArticle(actor, null, form({ title: "", heroImageUrl: "javascript:alert(1)", commentsCloseAt: "not a date", summary: "x".repeat(501) }));
    expect(r).toMatchObject({ ok: false, fieldErrors: { title: expect.any(String), heroImageUrl: expect.any(String), commentsCloseAt: expect.any(String), summary: expect.any(String) } });
    expect(saveArticle(actor, null, form({ heroImageUrl: "/images/local.jpg" }))).toMatchObject({ ok: true });
  });

  it(`keeps the last ${REVISIONS_KEPT} revisions`, () => {
    const actor = ed();
    const a = created(actor);
    for (let i = 0; i < REVISIONS_KEPT + 5; i++) {
      const cur = getArticleById(a.id)!;
      saveArticle(actor, a.id, { ...articleToForm(cur), body: `Version ${i}` });
    }
    const ids = revisionIds(a.id);
    expect(ids).toHaveLength(REVISIONS_KEPT);
  });

  it("stores per-article comment settings", () => {
    const actor = ed();
    const a = created(actor, { commentsOpen: false, commentsCloseAt: "2030-01-02T03:04" });
    expect(getArticleById(a.id)).toMatchObject({ commentsOpen: false, commentsCloseAt: new Date("2030-01-02T03:04Z") });
  });

  it("lists articles with their comment counts for the desk", () => {
    const article = createArticle({ title: "Listed" });
    const row = listArticlesForEditor().find((x) => x.id === article.id);
    expect(row).toMatchObject({ title: "Listed", approvedComments: 0, pendingComments: 0 });
  });
});
