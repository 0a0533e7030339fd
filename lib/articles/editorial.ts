import "server-only";
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  ARTICLE_STATUSES,
  articleEvents,
  articleRevisions,
  articles,
  articleSlugs,
  users,
  type Article,
  type ArticleEventType,
  type ArticleStatus,
} from "@/db/schema";
import { getDb, transaction, type Db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/dialect";
import { textOfNotice, type Notice, type NoticeCatalog } from "@/lib/http/notices";
import { slugBase } from "./slug";
import { hasNul, nulMessage } from "@/lib/text/storable";

export type Editor = { id: number; name: string };

/** How many earlier versions of an article are kept (the oldest go first). */
export const REVISIONS_KEPT = 50;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A URL slug from a title: lower case, ASCII, words joined by hyphens. */
export function slugFromTitle(title: string): string {
  return slugBase(title) || "article";
}

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
    .refine((v) => !hasNul(v), nulMessage(label))
    .transform((v) => v || null);

const heroUrl = z
  .string()
  .trim()
  .max(500, "The image address can be at most 500 characters.")
  .refine((v) => v === "" || v.startsWith("/") || /^https?:\/\/[^\s]+$/i.test(v), "Use an address starting with https:// (or a path on this site, starting with /).")
  .refine((v) => !hasNul(v), nulMessage("The image address"))
  .transform((v) => v || null);

/** The article form, as posted (FormData strings). */
export const articleFormSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, "Give the article a title.")
    .max(200, "A title can be at most 200 characters.")
    .refine((v) => !hasNul(v), nulMessage("The title")),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .max(100, "A slug can be at most 100 characters.")
    .refine((v) => v === "" || SLUG_PATTERN.test(v), "Use lower-case letters, digits and single hyphens (like my-article-title)."),
  summary: z.string().trim().max(500, "A summary can be at most 500 characters.").refine((v) => !hasNul(v), nulMessage("The summary")),
  body: z.string().max(200_000, "The body can be at most 200,000 characters.").refine((v) => !hasNul(v), nulMessage("The body")),
  heroImageUrl: heroUrl,
  heroImageAlt: optionalText(300, "The image description"),
  heroImageCaption: optionalText(300, "A caption"),
  heroImageCredit: optionalText(200, "A credit"),
  source: optionalText(200, "The source"),
  commentsOpen: z.boolean(),
  commentsCloseAt: z
    .string()
    .trim()
    // A datetime-local value has no zone: it is read as UTC, as the form says.
    .transform((v) => (v ? (/(z|[+-]\d\d:?\d\d)$/i.test(v) ? v : `${v}Z`) : ""))
    .refine((v) => v === "" || !Number.isNaN(Date.parse(v)), "Enter a date and time, or leave it empty.")
    .transform((v) => (v ? new Date(v) : null)),
});

export const ARTICLE_FIELDS = [
  "title",
  "slug",
  "summary",
  "body",
  "heroImageUrl",
  "heroImageAlt",
  "heroImageCaption",
  "heroImageCredit",
  "source",
  "commentsCloseAt",
] as const;
export type ArticleFormField = (typeof ARTICLE_FIELDS)[number] | "commentsOpen";
export type ArticleFormValues = Record<(typeof ARTICLE_FIELDS)[number], string> & { commentsOpen: boolean };

export function readArticleForm(form: FormData): ArticleFormValues {
  const values = Object.fromEntries(ARTICLE_FIELDS.map((f) => [f, String(form.get(f) ?? "")])) as unknown as ArticleFormValues;
  values.commentsOpen = form.get("commentsOpen") === "on" || form.get("commentsOpen") === "true";
  return values;
}

/** An article as the form shows it. */
export function articleToForm(article: Article | null): ArticleFormValues {
  return {
    title: article?.title ?? "",
    slug: article?.slug ?? "",
    summary: article?.summary ?? "",
    body: article?.body ?? "",
    heroImageUrl: article?.heroImageUrl ?? "",
    heroImageAlt: article?.heroImageAlt ?? "",
    heroImageCaption: article?.heroImageCaption ?? "",
    heroImageCredit: article?.heroImageCredit ?? "",
    source: article?.source ?? "",
    commentsCloseAt: article?.commentsCloseAt ? article.commentsCloseAt.toISOString().slice(0, 16) : "",
    commentsOpen: article?.commentsOpen ?? true,
  };
}

export type SaveResult =
  | { ok: true; id: number; slug: string; message: string; updatedAt: number; version: number }
  | { ok: false; message: string; fieldErrors: Partial<Record<ArticleFormField, string>>; conflict?: boolean };

const INVALID = "Please correct the highlighted fields; nothing was saved, and your text is still here.";

/** Whether a slug is free for this article: not another article's, nor one another article used before. */
async function slugTaken(db: Db, slug: string, articleId: number | null): Promise<boolean> {
  const [current] = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, slug));
  if (current && current.id !== articleId) return true;
  const [old] = await db.select({ articleId: articleSlugs.articleId }).from(articleSlugs).where(eq(articleSlugs.slug, slug));
  return Boolean(old && old.articleId !== articleId);
}

async function uniqueSlug(db: Db, base: string, articleId: number | null): Promise<string> {
  let slug = base;
  for (let n = 2; await slugTaken(db, slug, articleId); n++) slug = `${base.slice(0, 95)}-${n}`;
  return slug;
}

async function addEvent(
  db: Db,
  e: { articleId: number; type: ArticleEventType; actorId: number; from?: ArticleStatus | null; to?: ArticleStatus | null; note?: string | null; at: Date },
): Promise<void> {
  await db
    .insert(articleEvents)
    .values({ articleId: e.articleId, type: e.type, actorId: e.actorId, fromStatus: e.from ?? null, toStatus: e.to ?? null, note: e.note ?? null, createdAt: e.at });
}

async function addRevision(db: Db, articleId: number, data: { title: string; summary: string; body: string }, actorId: number, at: Date): Promise<void> {
  await db.insert(articleRevisions).values({ articleId, ...data, savedBy: actorId, createdAt: at });
  const [keep] = await db
    .select({ id: articleRevisions.id })
    .from(articleRevisions)
    .where(eq(articleRevisions.articleId, articleId))
    .orderBy(desc(articleRevisions.id))
    .limit(1)
    .offset(REVISIONS_KEPT - 1);
  if (keep) await db.delete(articleRevisions).where(and(eq(articleRevisions.articleId, articleId), lt(articleRevisions.id, keep.id)));
}

const CONFLICT = {
  ok: false,
  conflict: true,
  message: "Someone else saved this article after you opened it, so nothing was saved. Your text is still here: copy it, reload to see their version, then merge.",
  fieldErrors: {},
} as const;

/** A save that lost a race for a slug (a unique index refused it) is tried again this many times. */
const SLUG_RACE_ATTEMPTS = 3;

/**
 * Creates (id null) or saves an article from the editor's form. A save
 * carries the `version` the editor started from: when someone else saved in
 * between, nothing is overwritten and the editor keeps their text (workflow
 * steps do not change the version). Each save
 * of the text adds a revision; a published article's old slug keeps working.
 *
 * Concurrent saves (PostgreSQL runs them side by side): the update only
 * applies to the version that was read, so of two saves from one version the
 * second is refused as a conflict; two articles taking one slug at once meet
 * the unique indexes, and the loser runs again (then finds the slug taken).
 */
export async function saveArticle(
  actor: Editor,
  id: number | null,
  values: ArticleFormValues,
  options: { expectedVersion?: number | null; now?: Date; db?: Db } = {},
): Promise<SaveResult> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const parsed = articleFormSchema.safeParse(values);
  if (!parsed.success) {
    const fieldErrors: Partial<Record<ArticleFormField, string>> = {};
    for (const issue of parsed.error.issues) fieldErrors[issue.path[0] as ArticleFormField] ??= issue.message;
    return { ok: false, message: INVALID, fieldErrors };
  }
  const data = parsed.data;
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(db, (tx) => saveInTransaction(tx, actor, id, data, values, options.expectedVersion, now));
    } catch (error) {
      if (attempt >= SLUG_RACE_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}

async function saveInTransaction(
  tx: Db,
  actor: Editor,
  id: number | null,
  data: z.infer<typeof articleFormSchema>,
  values: ArticleFormValues,
  expectedVersion: number | null | undefined,
  now: Date,
): Promise<SaveResult> {
  const existing = id === null ? null : ((await tx.select().from(articles).where(eq(articles.id, id)))[0] ?? null);
  if (id !== null && !existing) return { ok: false, message: "This article no longer exists; copy your text before leaving.", fieldErrors: {} };
  if (existing && expectedVersion !== undefined && expectedVersion !== null && existing.version !== expectedVersion) return CONFLICT;
  const wanted = data.slug || (existing && !values.slug ? existing.slug : slugFromTitle(data.title));
  let slug: string;
  if (data.slug) {
    if (await slugTaken(tx, data.slug, id)) {
      return { ok: false, message: INVALID, fieldErrors: { slug: "Another article already uses this slug (now or before); choose another." } };
    }
    slug = data.slug;
  } else {
    slug = await uniqueSlug(tx, wanted, id);
  }
  const fields = {
    title: data.title,
    slug,
    summary: data.summary,
    body: data.body,
    heroImageUrl: data.heroImageUrl,
    heroImageAlt: data.heroImageAlt,
    heroImageCaption: data.heroImageCaption,
    heroImageCredit: data.heroImageCredit,
    source: data.source,
    commentsOpen: data.commentsOpen,
    commentsCloseAt: data.commentsCloseAt,
    updatedAt: now,
  };
  if (!existing) {
    const [row] = await tx.insert(articles).values({ ...fields, status: "draft", authorId: actor.id, createdAt: now }).returning({ id: articles.id });
    await addRevision(tx, row!.id, data, actor.id, now);
    await addEvent(tx, { articleId: row!.id, type: "created", actorId: actor.id, to: "draft", at: now });
    return { ok: true, id: row!.id, slug, message: "Draft created.", updatedAt: now.getTime(), version: 0 };
  }
  // Only over the version read above: a save that committed since (PostgreSQL
  // waits for it, then finds the version moved on) wins, and this one changes nothing.
  // Comments opened again by hand stay open past the site's auto-close; closed, that ends.
  const keepOpen = data.commentsOpen !== existing.commentsOpen ? { commentsKeepOpen: data.commentsOpen } : {};
  const updated = await tx
    .update(articles)
    .set({ ...fields, ...keepOpen, version: existing.version + 1 })
    .where(and(eq(articles.id, existing.id), eq(articles.version, existing.version)))
    .returning({ id: articles.id });
  if (updated.length === 0) return CONFLICT;
  if (data.commentsOpen !== existing.commentsOpen) {
    await addEvent(tx, { articleId: existing.id, type: data.commentsOpen ? "comments_opened" : "comments_closed", actorId: actor.id, at: now });
  }
  if (existing.title !== data.title || existing.summary !== data.summary || existing.body !== data.body) {
    await addRevision(tx, existing.id, data, actor.id, now);
  }
  if (existing.slug !== slug) {
    // The new slug is no longer an "old" one; the previous one becomes one if readers may have it.
    await tx.delete(articleSlugs).where(eq(articleSlugs.slug, slug));
    if (existing.publishedAt) {
      await tx.insert(articleSlugs).values({ slug: existing.slug, articleId: existing.id, createdAt: now }).onConflictDoNothing();
    }
    await addEvent(tx, { articleId: existing.id, type: "slug_changed", actorId: actor.id, note: `${existing.slug} → ${slug}`, at: now });
  }
  return { ok: true, id: existing.id, slug, message: "Saved.", updatedAt: now.getTime(), version: existing.version + 1 };
}

export const WORKFLOW_ACTIONS = ["submit", "publish", "send_back", "unpublish"] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

const WORKFLOW: Record<WorkflowAction, { from: ArticleStatus[]; to: ArticleStatus; event: ArticleEventType; label: string; done: string }> = {
  submit: { from: ["draft"], to: "in_review", event: "submitted", label: "Submit for review", done: "Submitted for review." },
  publish: { from: ["in_review"], to: "published", event: "published", label: "Publish", done: "Published." },
  send_back: { from: ["in_review"], to: "draft", event: "sent_back", label: "Send back", done: "Sent back to the author." },
  unpublish: { from: ["published"], to: "draft", event: "unpublished", label: "Unpublish", done: "Unpublished: it is a draft again." },
};

export const WORKFLOW_LABELS: Record<WorkflowAction, string> = Object.fromEntries(
  WORKFLOW_ACTIONS.map((a) => [a, WORKFLOW[a].label]),
) as Record<WorkflowAction, string>;

/** The workflow steps open to an article in this status. */
export function workflowActionsFor(status: ArticleStatus): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((a) => WORKFLOW[a].from.includes(status));
}

/** What a step did, as a code for the editor's page (`notice`: lib/http/notices.ts) and as words. */
export type TransitionResult = { ok: true; status: ArticleStatus; message: string; notice: Notice } | { ok: false; message: string; notice: Notice };

/** `/editor/<id>?done=<step>`: the step's fixed words. */
export const WORKFLOW_NOTICES: NoticeCatalog = Object.fromEntries(WORKFLOW_ACTIONS.map((a) => [a, () => WORKFLOW[a].done]));

/** `/editor/<id>?error=<code>` (with `status`, `step` from fixed lists where the words need them). */
export const WORKFLOW_ERRORS: NoticeCatalog = {
  invalid: () => "That step was not understood; nothing changed.",
  note_needed: () => "Say what needs changing: the note goes to the author.",
  gone: () => "This article no longer exists.",
  moved: (v) => {
    const status = v.oneOf("status", ARTICLE_STATUSES);
    return status ? `Someone already moved this article to ${STATUS_WORDS[status]}; nothing changed.` : null;
  },
  submit_first: () => "Submit it for review first.",
  not_applicable: (v) => {
    const step = v.oneOf("step", WORKFLOW_ACTIONS);
    const status = v.oneOf("status", ARTICLE_STATUSES);
    return step && status ? `“${WORKFLOW[step].label}” does not apply to an article that is ${STATUS_WORDS[status]}.` : null;
  },
  no_body: () => "Write the body before this step.",
  slug_taken: () => "Its slug is taken: change it first.",
};

function stepRefused(code: string, values?: Notice["values"]): TransitionResult {
  const notice = { code, values };
  return { ok: false, notice, message: textOfNotice(WORKFLOW_ERRORS, notice, undefined) ?? "" };
}

/**
 * One workflow step, guarded by the status the editor saw. "Send back" needs
 * a note for the author. Publishing sets the publication date the first time.
 * The step applies only while the article still has that status (one
 * conditional update), so of two editors taking a step at once one does.
 */
export async function transitionArticle(
  actor: Editor,
  id: number,
  action: WorkflowAction,
  input: { expected: ArticleStatus; note?: string | null },
  options: { now?: Date; db?: Db } = {},
): Promise<TransitionResult> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const step = WORKFLOW[action];
  const note = input.note?.trim().slice(0, 2000) || null;
  if (action === "send_back" && !note) return stepRefused("note_needed");
  const movedBySomeoneElse = (status: ArticleStatus) => stepRefused("moved", { status });
  return transaction(db, async (tx): Promise<TransitionResult> => {
    const [article] = await tx.select().from(articles).where(eq(articles.id, id));
    if (!article) return stepRefused("gone");
    if (article.status !== input.expected) return movedBySomeoneElse(article.status);
    if (!step.from.includes(article.status)) {
      return action === "publish" && article.status === "draft"
        ? stepRefused("submit_first")
        : stepRefused("not_applicable", { step: action, status: article.status });
    }
    if (action === "submit" || action === "publish") {
      if (!article.body.trim()) return stepRefused("no_body");
      if (await slugTaken(tx, article.slug, article.id)) return stepRefused("slug_taken");
    }
    const changed = await tx
      .update(articles)
      .set({ status: step.to, updatedAt: now, ...(action === "publish" && !article.publishedAt ? { publishedAt: now } : {}) })
      .where(and(eq(articles.id, id), eq(articles.status, input.expected)))
      .returning({ id: articles.id });
    if (changed.length === 0) {
      // Another step committed since the read above (PostgreSQL): say where it went.
      const [current] = await tx.select({ status: articles.status }).from(articles).where(eq(articles.id, id));
      return current ? movedBySomeoneElse(current.status) : stepRefused("gone");
    }
    await addEvent(tx, { articleId: id, type: step.event, actorId: actor.id, from: article.status, to: step.to, note, at: now });
    return { ok: true, status: step.to, message: step.done, notice: { code: action } };
  });
}

export const STATUS_WORDS: Record<ArticleStatus, string> = { draft: "Draft", in_review: "In review", published: "Published" };

export type EditorListItem = {
  id: number;
  title: string;
  slug: string;
  status: ArticleStatus;
  authorName: string | null;
  updatedAt: Date;
  publishedAt: Date | null;
  approvedComments: number;
  pendingComments: number;
};

/** Every article for the editors' desk: newest change first, with comment counts. */
export async function listArticlesForEditor(db: Db = getDb()): Promise<EditorListItem[]> {
  return db
    .select({
      id: articles.id,
      title: articles.title,
      slug: articles.slug,
      status: articles.status,
      authorName: users.name,
      updatedAt: articles.updatedAt,
      publishedAt: articles.publishedAt,
      approvedComments: sql<number>`(select count(*) from comments c where c.article_id = "articles"."id" and c.status = 'approved')`.mapWith(Number),
      pendingComments: sql<number>`(select count(*) from comments c where c.article_id = "articles"."id" and c.status = 'pending')`.mapWith(Number),
    })
    .from(articles)
    .leftJoin(users, eq(users.id, articles.authorId))
    .orderBy(desc(articles.updatedAt), desc(articles.id));
}

export async function getArticleById(id: number, db: Db = getDb()): Promise<(Article & { authorName: string | null }) | null> {
  const [row] = await db
    .select({ article: articles, authorName: users.name })
    .from(articles)
    .leftJoin(users, eq(users.id, articles.authorId))
    .where(eq(articles.id, id));
  return row ? { ...row.article, authorName: row.authorName } : null;
}

export type ArticleHistoryItem = { id: number; type: ArticleEventType; actorName: string | null; fromStatus: ArticleStatus | null; toStatus: ArticleStatus | null; note: string | null; createdAt: Date };

export async function articleHistory(articleId: number, db: Db = getDb()): Promise<ArticleHistoryItem[]> {
  return db
    .select({
      id: articleEvents.id,
      type: articleEvents.type,
      actorName: users.name,
      fromStatus: articleEvents.fromStatus,
      toStatus: articleEvents.toStatus,
      note: articleEvents.note,
      createdAt: articleEvents.createdAt,
    })
    .from(articleEvents)
    .leftJoin(users, eq(users.id, articleEvents.actorId))
    .where(eq(articleEvents.articleId, articleId))
    .orderBy(desc(articleEvents.createdAt), desc(articleEvents.id));
}

/** The latest "Send back" note, while the article is a draft again. */
export async function pendingSendBackNote(articleId: number, db: Db = getDb()): Promise<ArticleHistoryItem | null> {
  const [last] = (await articleHistory(articleId, db)).filter((e) => e.type === "submitted" || e.type === "sent_back" || e.type === "published");
  return last?.type === "sent_back" ? last : null;
}

export type RevisionListItem = { id: number; title: string; savedByName: string | null; createdAt: Date; bodyLength: number };

export async function listRevisions(articleId: number, db: Db = getDb()): Promise<RevisionListItem[]> {
  return db
    .select({
      id: articleRevisions.id,
      title: articleRevisions.title,
      savedByName: users.name,
      createdAt: articleRevisions.createdAt,
      bodyLength: sql<number>`length(${articleRevisions.body})`.mapWith(Number),
    })
    .from(articleRevisions)
    .leftJoin(users, eq(users.id, articleRevisions.savedBy))
    .where(eq(articleRevisions.articleId, articleId))
    .orderBy(desc(articleRevisions.id));
}

export async function getRevision(articleId: number, revisionId: number, db: Db = getDb()) {
  const [row] = await db
    .select({ revision: articleRevisions, savedByName: users.name })
    .from(articleRevisions)
    .leftJoin(users, eq(users.id, articleRevisions.savedBy))
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.id, revisionId)));
  return row ?? null;
}

/** The published article that used to live at `slug` (its id and current slug), for a permanent redirect. */
export async function movedArticle(oldSlug: string, db: Db = getDb()): Promise<{ id: number; slug: string } | null> {
  const [row] = await db
    .select({ id: articles.id, slug: articles.slug })
    .from(articleSlugs)
    .innerJoin(articles, eq(articles.id, articleSlugs.articleId))
    .where(and(eq(articleSlugs.slug, oldSlug), eq(articles.status, "published")));
  return row ?? null;
}

/** For tests and tools: the ids of revisions kept for an article, oldest first. */
export async function revisionIds(articleId: number, db: Db = getDb()): Promise<number[]> {
  const rows = await db.select({ id: articleRevisions.id }).from(articleRevisions).where(eq(articleRevisions.articleId, articleId)).orderBy(asc(articleRevisions.id));
  return rows.map((r) => r.id);
}
