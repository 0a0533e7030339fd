import "server-only";
import { excerpt } from "@/lib/text/excerpt";
import { and, eq, isNull } from "drizzle-orm";
import { comments, type CommentStatus, type SpamCheckRecord, type UserRole } from "@/db/schema";
import { getDb, row, rows, sql, transaction, type Db } from "@/lib/db";
import { bool, forUpdate, inIds } from "@/lib/db/dialect";
import { env } from "@/lib/env";
import { leaseOwner } from "@/lib/db/leases";
import { getSettings } from "@/lib/settings";
import { SITE_LANG } from "@/lib/site";
import { akismetConfigured, akismetIsTest, callAkismet, toCheckRecord } from "@/lib/spam/akismet";
import { buildCheckParams } from "@/lib/spam/params";
import { decideStatus, decideWithoutAkismet, holdsKeptByEdit, retryDelayMs, type StatusDecision } from "@/lib/spam/verdict";
import { checkLeaseUntil } from "./check-lease";
import { noteCheckDuration, waitAsLongAsACheck } from "./check-timing";
import { runDefences, type DefenceInput } from "./defences";
import { editDeadline, withinEditWindow } from "./edit-window";
import type { OwnCommentControl } from "./own-controls";
import { addCommentEvent } from "./history";
import { defenceLookups } from "./lookups";
import { deleteCommentsKeepingReplies } from "./removal";
import { TRUSTED_ROLES, applyCheckResult } from "./submit";
import { INVALID_COMMENT_MESSAGE, validateComment, type FieldErrors } from "./validation";

/**
 * A commenter's own comments: editing one within the edit window
 * (`commentEditMinutes`) and deleting one, from the browser that posted it
 * (the signed own-comments cookie, lib/comments/ownership.ts) or from the
 * account it was posted under. Every request is authorized here, on the row
 * as it is when the change is made (locked), never from what a page showed.
 *
 * An edit goes through the pipeline's checks again: the same validation, the
 * local block and hold rules, and Akismet (with `recheck_reason=edit`) under
 * the comment's check lease, so an approved comment whose new text is held or
 * spam leaves the public page, and one Akismet could not check is held "not
 * checked" for the retry job, as a new comment would be.
 *
 * A comment in spam looks held to its author and is edited and deleted the
 * same way, with the same checks, answers and refusals; only its new text is
 * neither sent to Akismet nor published: it stays in spam, and the edit
 * waits as long as a check would have taken (lib/comments/check-timing.ts).
 */

/** What proves a comment is the requester's: the ids in their signed cookie, and their account. */
export type OwnerProof = { ownIds: readonly number[]; userId: number | null };

/** The signed-in account making the change (for the history), or null for a guest. */
export type OwnActor = { id: number; name: string } | null;

export type OwnRefusalCode = "not_found" | "not_yours" | "locked" | "window" | "stale" | "busy" | "closed" | "invalid";

export type OwnRefusal = { ok: false; code: OwnRefusalCode; message: string; fieldErrors?: FieldErrors };

export type EditResult =
  | { ok: true; commentId: number; status: CommentStatus; articleId: number; articleSlug: string; changed: boolean; version: number }
  | OwnRefusal;

export type DeleteResult = { ok: true; commentId: number; articleId: number; articleSlug: string; repliesKept: number } | OwnRefusal;

export const OWN_MESSAGES = {
  not_found: "This comment no longer exists.",
  not_yours: "You can only change your own comments.",
  // Spam and trash alike: a spammer is not told which (docs product: spam and held look the same).
  locked: "This comment can no longer be changed.",
  editingOff: "Comments cannot be edited on this site.",
  window: (minutes: number) =>
    `The time to edit this comment has run out: comments can be edited for ${minutes} minute${minutes === 1 ? "" : "s"} after posting. Your text is kept below.`,
  stale: "This comment was changed in another window after you opened this form, so your edit was not saved. Your text is kept below: reload the page to see the comment as it is now, then edit it again.",
  busy: "This comment is being checked for spam at this moment. Please try again in a few seconds; your text is kept below.",
  closed: "Comments are closed on this article, so this comment can no longer be edited.",
  tooManyEdits: `A comment can be edited at most ${5} times. Your text is kept below.`,
} as const;

/**
 * Edits per comment: each is a new Akismet check, a history entry holding the
 * previous text, and a new page for every reader, so a script looping edits
 * must not get more than a few.
 */
export const MAX_EDITS = 5;

/**
 * Statuses in which the author may still change their comment: published,
 * held, and spam, which reads as held to them (a spammer must not tell the
 * two apart, so spam offers the same Edit and Delete; an edit never takes it
 * out of spam). Not trash: a moderator removed it, and it says so.
 */
const CHANGEABLE: readonly CommentStatus[] = ["approved", "pending", "spam"];

type OwnRow = {
  id: number;
  articleId: number;
  parentId: number | null;
  userId: number | null;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  content: string;
  status: CommentStatus;
  createdAt: Date;
  editedAt: Date | null;
  ip: string;
  userAgent: string;
  referrer: string;
  checkLeaseUntil: number | null;
};

type RawOwnRow = Omit<OwnRow, "createdAt" | "editedAt" | "checkLeaseUntil"> & {
  createdAt: number | string;
  editedAt: number | string | null;
  checkLeaseUntil: number | string | null;
};

async function lockComment(tx: Db, id: number): Promise<OwnRow | null> {
  const found = await row<RawOwnRow>(
    tx,
    sql`select id, article_id as "articleId", parent_id as "parentId", user_id as "userId",
               author_name as "authorName", author_email as "authorEmail", author_url as "authorUrl",
               content, status, created_at as "createdAt", edited_at as "editedAt",
               ip, user_agent as "userAgent", referrer, check_lease_until as "checkLeaseUntil"
        from comments where id = ${id} ${forUpdate(tx)}`,
  );
  if (!found) return null;
  return {
    ...found,
    createdAt: new Date(Number(found.createdAt)),
    editedAt: found.editedAt === null ? null : new Date(Number(found.editedAt)),
    checkLeaseUntil: found.checkLeaseUntil === null ? null : Number(found.checkLeaseUntil),
  };
}

/** How the requester proves the comment is theirs, or null when they cannot. */
export function ownershipOf(comment: { id: number; userId: number | null }, proof: OwnerProof): "account" | "browser" | null {
  if (proof.userId !== null && comment.userId === proof.userId) return "account";
  // A comment posted signed in belongs to the account: only it changes it (a
  // browser cookie left after signing out, a suspended account signed out, or
  // someone else on that browser does not).
  if (comment.userId === null && proof.ownIds.includes(comment.id)) return "browser";
  return null;
}

/** The version an edit form carries: when the comment was last edited (0: never). */
export function versionOf(editedAt: Date | null): number {
  return editedAt ? editedAt.getTime() : 0;
}

function parseId(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}


type Article = {
  id: number;
  slug: string;
  updatedAt: Date;
  commentsOpen: boolean;
  commentsCloseAt: Date | null;
  publishedAt: Date | null;
  status: string;
  commentsKeepOpen: boolean;
  premoderateAll: boolean;
  premoderateLinks: boolean;
};

async function articleOf(tx: Db, id: number): Promise<Article | null> {
  const found = await row<Omit<Article, "updatedAt" | "commentsCloseAt" | "publishedAt" | "commentsOpen" | "commentsKeepOpen" | "premoderateAll" | "premoderateLinks"> & {
    updatedAt: number | string;
    commentsCloseAt: number | string | null;
    publishedAt: number | string | null;
    commentsOpen: unknown;
    commentsKeepOpen: unknown;
    premoderateAll: unknown;
    premoderateLinks: unknown;
  }>(
    tx,
    sql`select id, slug, status, updated_at as "updatedAt", comments_open as "commentsOpen",
               comments_close_at as "commentsCloseAt", published_at as "publishedAt", comments_keep_open as "commentsKeepOpen",
               premoderate_all as "premoderateAll", premoderate_links as "premoderateLinks"
        from articles where id = ${id}`,
  );
  if (!found) return null;
  const date = (v: number | string | null) => (v === null ? null : new Date(Number(v)));
  return {
    ...found,
    commentsOpen: bool(found.commentsOpen),
    commentsKeepOpen: bool(found.commentsKeepOpen),
    premoderateAll: bool(found.premoderateAll),
    premoderateLinks: bool(found.premoderateLinks),
    updatedAt: new Date(Number(found.updatedAt)),
    commentsCloseAt: date(found.commentsCloseAt),
    publishedAt: date(found.publishedAt),
  };
}

async function roleOf(tx: Db, userId: number | null): Promise<UserRole | null> {
  if (userId === null) return null;
  const found = await row<{ role: UserRole }>(tx, sql`select role from users where id = ${userId}`);
  return found?.role ?? null;
}

function pendingRecord(params: Record<string, string>, localHolds: string[], now: Date): SpamCheckRecord {
  return {
    verdict: "error",
    blatant: false,
    guid: null,
    proTip: null,
    error: "not checked yet",
    debugHelp: null,
    latencyMs: 0,
    checkedAt: now.toISOString(),
    params,
    localHolds,
  };
}

export type EditRequest = {
  commentId: unknown;
  content: unknown;
  /** The version the form was rendered from (`versionOf`): an edit from an older one is refused. */
  version: unknown;
  proof: OwnerProof;
  actor: OwnActor;
  /** The article the request named (the JSON API's path): a comment of another article is not found. */
  articleSlug?: string;
  now?: Date;
};

/**
 * Edits a comment's text for its author. The checks that decide (ownership,
 * status, window, version) and the update happen on the locked row in one
 * transaction; Akismet is asked afterwards, outside it, under the lease the
 * update took (as the pipeline does for a new comment).
 */
export async function editOwnComment(db: Db, request: EditRequest): Promise<EditResult> {
  const now = request.now ?? new Date();
  const id = parseId(request.commentId);
  if (id === null) return { ok: false, code: "not_found", message: OWN_MESSAGES.not_found };
  const version = parseId(request.version) ?? (request.version === "0" || request.version === 0 ? 0 : null);
  const validation = validateComment({ content: request.content }, { guest: false });
  if (!validation.ok) {
    return { ok: false, code: "invalid", message: INVALID_COMMENT_MESSAGE, fieldErrors: { content: validation.fieldErrors.content } };
  }
  const content = validation.data.content;
  const settings = await getSettings();

  type Prepared =
    | { refused: OwnRefusal }
    | { done: EditResult }
    | { check: { params: Record<string, string>; holds: string[]; owner: string; guest: boolean; article: Article } }
    /** A spam comment's edit, stored: it stays spam; `asLongAsACheck` (ms, the last check's) when a held one's edit would be checked now. */
    | { keptInSpam: { article: Article; asLongAsACheck: number | null } };
  const prepared = await transaction(db, async (tx): Promise<Prepared> => {
    const current = await lockComment(tx, id);
    if (!current) return { refused: { ok: false, code: "not_found", message: OWN_MESSAGES.not_found } };
    const via = ownershipOf(current, request.proof);
    if (!via) return { refused: { ok: false, code: "not_yours", message: OWN_MESSAGES.not_yours } };
    if (!CHANGEABLE.includes(current.status)) return { refused: { ok: false, code: "locked", message: OWN_MESSAGES.locked } };
    if (settings.commentEditMinutes <= 0) return { refused: { ok: false, code: "window", message: OWN_MESSAGES.editingOff } };
    if (!withinEditWindow(current.createdAt, settings.commentEditMinutes, now)) {
      return { refused: { ok: false, code: "window", message: OWN_MESSAGES.window(settings.commentEditMinutes) } };
    }
    if (version === null || version !== versionOf(current.editedAt)) {
      return { refused: { ok: false, code: "stale", message: OWN_MESSAGES.stale } };
    }
    const article = await articleOf(tx, current.articleId);
    if (!article || article.status !== "published" || (request.articleSlug !== undefined && request.articleSlug !== article.slug)) {
      return { refused: { ok: false, code: "not_found", message: OWN_MESSAGES.not_found } };
    }
    if (content === current.content) {
      return {
        done: { ok: true, commentId: id, status: current.status, articleId: article.id, articleSlug: article.slug, changed: false, version },
      };
    }
    // Someone (the pipeline, the retry job, a moderator's Check for spam) is
    // asking Akismet about the old text right now: its answer would be
    // stored over the edit's, so the edit waits for it.
    if (current.checkLeaseUntil !== null && current.checkLeaseUntil > now.getTime()) {
      return { refused: { ok: false, code: "busy", message: OWN_MESSAGES.busy } };
    }
    const edits = await row<{ n: number }>(tx, sql`select count(*) as n from comment_events where comment_id = ${id} and type = 'edited'`);
    if (Number(edits?.n ?? 0) >= MAX_EDITS) return { refused: { ok: false, code: "window", message: OWN_MESSAGES.tooManyEdits } };

    const role = await roleOf(tx, current.userId);
    const trusted = role !== null && TRUSTED_ROLES.includes(role);
    const guest = current.userId === null;
    const author = { name: current.authorName, email: current.authorEmail, url: current.authorUrl, userId: current.userId, trusted };
    const real = defenceLookups(tx);
    // The rules about the text and the author apply again; the ones about
    // posting (flood, duplicate post, form timing) were passed when it was posted.
    const lookups: DefenceInput["lookups"] = {
      recentComment: () => false,
      duplicate: () => false,
      // The trust rules weigh who posts, and this author passed them when posting; a
      // pre-moderated commenter or article still holds the new text.
      commenterRecord: () => ({ approved: Number.MAX_SAFE_INTEGER, recent: 0, recentRejected: 0 }),
      premoderated: (email, userId) => real.premoderated(email, userId),
    };
    const defence = await runDefences({
      now,
      settings,
      article,
      author,
      ip: current.ip,
      content,
      honeypot: "",
      formToken: { valid: true, ageSeconds: Number.MAX_SAFE_INTEGER },
      lookups,
    });
    if (defence.outcome === "refused") {
      return { refused: { ok: false, code: "closed", message: defence.code === "closed" ? OWN_MESSAGES.closed : defence.message } };
    }

    const params = buildCheckParams({
      comment: {
        content,
        authorName: current.authorName,
        authorEmail: current.authorEmail,
        authorUrl: current.authorUrl,
        parentId: current.parentId,
        createdAt: current.createdAt,
      },
      article: { slug: article.slug, modifiedAt: article.updatedAt },
      request: { ip: current.ip, userAgent: current.userAgent, referrer: current.referrer },
      userRole: role,
      honeypot: "",
      site: { url: env().SITE_URL, lang: SITE_LANG, charset: "UTF-8" },
      isTest: akismetIsTest(),
      recheckReason: "edit",
    });
    // A held comment stays held (lib/spam/verdict.ts); it can still go to spam.
    const localHolds = defence.outcome === "spam" ? [] : [...defence.holds, ...holdsKeptByEdit(current.status)];
    const localDecision: StatusDecision | null = decideWithoutAkismet({
      trusted,
      local:
        defence.outcome === "spam"
          ? { outcome: "spam", reason: defence.reason }
          : { outcome: localHolds.length > 0 ? "hold" : defence.outcome, holds: localHolds },
      akismetConfigured: akismetConfigured(),
      guest,
    });
    const needsAkismet = localDecision === null;
    if (current.status === "spam") {
      // Spam stays spam, whatever the new text: not sent to Akismet, never
      // published (only a moderator's Not spam takes it out), its verdict and
      // check record kept. Everything its author sees is as for a held one.
      const updated = await tx
        .update(comments)
        .set({ content, editedAt: now, updatedAt: now })
        .where(and(eq(comments.id, id), eq(comments.status, "spam"), version === 0 ? isNull(comments.editedAt) : eq(comments.editedAt, new Date(version))))
        .returning({ id: comments.id, spamCheck: comments.spamCheck });
      if (updated.length === 0) return { refused: { ok: false, code: "stale", message: OWN_MESSAGES.stale } };
      await addCommentEvent(tx, {
        commentId: id,
        type: "edited",
        actorId: request.actor?.id ?? null,
        message: `Edited by its author (${via === "account" ? "signed in" : "from the browser that posted it"}) while in spam; kept in spam, not checked again; it read: “${excerpt(current.content, 280)}”`,
        fromStatus: current.status,
        toStatus: current.status,
        detail: { previousContent: current.content, previousStatus: current.status, via, keptInSpam: true },
        at: now,
      });
      for (const event of defence.events) {
        await addCommentEvent(tx, { commentId: id, type: "defence", message: event.message, detail: { rule: event.rule, edit: true }, at: now });
      }
      return { keptInSpam: { article, asLongAsACheck: needsAkismet ? (updated[0]!.spamCheck?.latencyMs ?? 0) : null } };
    }

    const owner = needsAkismet ? leaseOwner("edit") : null;
    const newStatus = localDecision?.status ?? "pending";

    // Compare-and-set on the version read: under the row lock this is the
    // row as checked above; it also guards a store without row locks.
    const updated = await tx
      .update(comments)
      .set({
        content,
        editedAt: now,
        updatedAt: now,
        status: newStatus,
        statusReason: localDecision?.reason ?? "Edited; not checked yet: waiting for Akismet",
        spamCheckState: localDecision ? localDecision.spamCheckState : "not_checked",
        blatant: localDecision?.blatant ?? false,
        spamCheck: localDecision ? null : pendingRecord(params, localHolds, now),
        spamCheckAttempts: 0,
        nextSpamCheckAt: localDecision ? null : new Date(now.getTime() + retryDelayMs(1, settings.akismetRetryMinutes)),
        checkLeaseOwner: owner,
        checkLeaseUntil: owner ? new Date(checkLeaseUntil(now, settings.akismetTimeoutMs)) : null,
      })
      .where(and(eq(comments.id, id), version === 0 ? isNull(comments.editedAt) : eq(comments.editedAt, new Date(version))))
      .returning({ id: comments.id });
    if (updated.length === 0) return { refused: { ok: false, code: "stale", message: OWN_MESSAGES.stale } };

    await addCommentEvent(tx, {
      commentId: id,
      type: "edited",
      actorId: request.actor?.id ?? null,
      message: `Edited by its author (${via === "account" ? "signed in" : "from the browser that posted it"}); it read: “${excerpt(current.content, 280)}”`,
      fromStatus: current.status,
      toStatus: newStatus,
      detail: { previousContent: current.content, previousStatus: current.status, via },
      at: now,
    });
    for (const event of defence.events) {
      await addCommentEvent(tx, { commentId: id, type: "defence", message: event.message, detail: { rule: event.rule, edit: true }, at: now });
    }
    if (localDecision) {
      await addCommentEvent(tx, { commentId: id, type: "status_change", message: localDecision.reason, fromStatus: current.status, toStatus: localDecision.status, at: now });
      return {
        done: { ok: true, commentId: id, status: localDecision.status, articleId: article.id, articleSlug: article.slug, changed: true, version: now.getTime() },
      };
    }
    return { check: { params, holds: localHolds, owner: owner!, guest, article } };
  });
  if ("refused" in prepared) return prepared.refused;
  if ("done" in prepared) return prepared.done;

  let article: Article;
  let decided: CommentStatus;
  if ("keptInSpam" in prepared) {
    // Where a held comment's edit asks Akismet, a spam one's takes as long.
    article = prepared.keptInSpam.article;
    decided = "spam";
    const fallback = prepared.keptInSpam.asLongAsACheck;
    if (fallback !== null) await waitAsLongAsACheck(fallback, { maxMs: settings.akismetTimeoutMs + 1_000 });
  } else {
    const { params, holds, owner, guest } = prepared.check;
    article = prepared.check.article;
    const started = performance.now();
    const result = await callAkismet("comment-check", params, { timeoutMs: settings.akismetTimeoutMs });
    const decision = decideStatus({ trusted: false, local: { outcome: "hold", holds }, akismet: result.outcome, guest });
    await applyCheckResult(db, id, decision, toCheckRecord(result, params, holds), {
      owner,
      attempt: 1,
      retryMinutes: settings.akismetRetryMinutes,
      retryAfterSeconds: result.outcome.kind === "error" ? result.outcome.retryAfterSeconds : null,
      now: new Date(),
    });
    noteCheckDuration(performance.now() - started);
    decided = decision.status;
  }
  const stored = await row<{ status: CommentStatus }>(db, sql`select status from comments where id = ${id}`);
  return {
    ok: true,
    commentId: id,
    status: stored?.status ?? decided,
    articleId: article.id,
    articleSlug: article.slug,
    changed: true,
    version: now.getTime(),
  };
}

export type DeleteRequest = { commentId: unknown; proof: OwnerProof; actor: OwnActor; articleSlug?: string; now?: Date };

/**
 * Deletes a comment for its author, at any time (their words are theirs to
 * take back; only the edit is limited to the window), while it is published,
 * held or in spam (which reads as held to them): a comment a moderator put in
 * trash stays for them.
 * Its replies stay and move up a level, with a history entry saying the
 * comment they answered was deleted by its author (decision 010).
 */
export async function deleteOwnComment(db: Db, request: DeleteRequest): Promise<DeleteResult> {
  const now = request.now ?? new Date();
  const id = parseId(request.commentId);
  if (id === null) return { ok: false, code: "not_found", message: OWN_MESSAGES.not_found };
  return transaction(db, async (tx): Promise<DeleteResult> => {
    const current = await lockComment(tx, id);
    if (!current) return { ok: false, code: "not_found", message: OWN_MESSAGES.not_found };
    const via = ownershipOf(current, request.proof);
    if (!via) return { ok: false, code: "not_yours", message: OWN_MESSAGES.not_yours };
    if (!CHANGEABLE.includes(current.status)) return { ok: false, code: "locked", message: OWN_MESSAGES.locked };
    const article = await articleOf(tx, current.articleId);
    if (request.articleSlug !== undefined && request.articleSlug !== article?.slug) return { ok: false, code: "not_found", message: OWN_MESSAGES.not_found };
    const summary = await deleteCommentsKeepingReplies(tx, [id], {
      actor: request.actor,
      how: `deleted by its author (${via === "account" ? "signed in" : "from the browser that posted it"})`,
      now,
    });
    if (summary.deleted !== 1) return { ok: false, code: "not_found", message: OWN_MESSAGES.not_found };
    return { ok: true, commentId: id, articleId: current.articleId, articleSlug: article?.slug ?? "", repliesKept: summary.repliesKept };
  });
}


type OwnControlsQuery = { articleId: number; proof: OwnerProof; editMinutes: number; now?: Date };

/**
 * The requester's comments on one article that they can still change,
 * keyed by id: for the per-visitor article page only (the cached page has
 * no requester). On the process's connection unless a handle is given first.
 */
export async function ownCommentControls(query: OwnControlsQuery): Promise<Record<number, OwnCommentControl>>;
export async function ownCommentControls(db: Db, query: OwnControlsQuery): Promise<Record<number, OwnCommentControl>>;
export async function ownCommentControls(...args: [OwnControlsQuery] | [Db, OwnControlsQuery]): Promise<Record<number, OwnCommentControl>> {
  const [db, { articleId, proof, editMinutes, now = new Date() }] = args.length === 1 ? [getDb(), args[0]] : args;
  const ids = proof.ownIds.filter((n) => Number.isSafeInteger(n) && n > 0).slice(0, 100);
  if (ids.length === 0 && proof.userId === null) return {};
  const mine = proof.userId === null ? sql`${inIds(db, sql`id`, ids)}` : sql`(${inIds(db, sql`id`, ids)} or user_id = ${proof.userId})`;
  const found = await rows<{ id: number; content: string; createdAt: number | string; editedAt: number | string | null }>(
    db,
    sql`select id, content, created_at as "createdAt", edited_at as "editedAt" from comments
        where article_id = ${articleId} and status in ('approved', 'pending', 'spam') and ${mine}`,
  );
  const controls: Record<number, OwnCommentControl> = {};
  for (const c of found) {
    controls[c.id] = ownControlFor(
      { status: "approved", content: c.content, createdAt: new Date(Number(c.createdAt)), editedAt: c.editedAt === null ? null : new Date(Number(c.editedAt)) },
      editMinutes,
      now,
    )!;
  }
  return controls;
}

/** The author's controls for one of their comments (held and spam alike): null when it can no longer be changed (trash). */
export function ownControlFor(
  c: { status: CommentStatus; content: string; createdAt: Date; editedAt: Date | null },
  editMinutes: number,
  now: Date,
): OwnCommentControl | null {
  if (!CHANGEABLE.includes(c.status)) return null;
  const editable = withinEditWindow(c.createdAt, editMinutes, now);
  return {
    version: versionOf(c.editedAt),
    editUntil: editable ? editDeadline(c.createdAt, editMinutes)!.toISOString() : null,
    content: editable ? c.content : null,
  };
}

/** How a commenter's own comment's status reads to them. Spam reads as held: a spammer cannot tell the two apart. */
export const OWN_STATUS_LABELS: Record<CommentStatus, string> = {
  approved: "Published",
  pending: "Awaiting moderation",
  spam: "Awaiting moderation",
  trash: "Removed by a moderator",
};

export type AccountComment = {
  id: number;
  articleTitle: string;
  articleSlug: string;
  /** The article is published (otherwise there is nothing to link to). */
  articlePublished: boolean;
  content: string;
  status: CommentStatus;
  createdAt: Date;
  editedAt: Date | null;
};

export type AccountCommentsPage = { comments: AccountComment[]; total: number; page: number; pageCount: number; perPage: number };

type AccountCommentsQuery = { page?: number; perPage?: number };

/**
 * Every comment posted under an account, newest first, one page at a time.
 * On the process's connection unless a handle is given first.
 */
export async function listAccountComments(userId: number, query?: AccountCommentsQuery): Promise<AccountCommentsPage>;
export async function listAccountComments(db: Db, userId: number, query?: AccountCommentsQuery): Promise<AccountCommentsPage>;
export async function listAccountComments(
  ...args: [number, AccountCommentsQuery?] | [Db, number, AccountCommentsQuery?]
): Promise<AccountCommentsPage> {
  const [db, userId, { page: requested = 1, perPage = 20 } = {}] = typeof args[0] === "number" ? [getDb(), args[0], args[1] as AccountCommentsQuery | undefined] : (args as [Db, number, AccountCommentsQuery?]);
  const counted = await row<{ n: number | string }>(db, sql`select count(*) as n from comments where user_id = ${userId}`);
  const total = Number(counted?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(Math.max(1, Math.floor(requested) || 1), pageCount);
  const found = await rows<Omit<AccountComment, "createdAt" | "editedAt" | "articlePublished"> & {
    createdAt: number | string;
    editedAt: number | string | null;
    articleStatus: string;
  }>(
    db,
    sql`select c.id, a.title as "articleTitle", a.slug as "articleSlug", a.status as "articleStatus",
               c.content, c.status, c.created_at as "createdAt", c.edited_at as "editedAt"
        from comments c join articles a on a.id = c.article_id
        where c.user_id = ${userId}
        order by c.created_at desc, c.id desc
        limit ${perPage} offset ${(page - 1) * perPage}`,
  );
  return {
    comments: found.map(({ articleStatus, ...c }) => ({
      ...c,
      articlePublished: articleStatus === "published",
      createdAt: new Date(Number(c.createdAt)),
      editedAt: c.editedAt === null ? null : new Date(Number(c.editedAt)),
    })),
    total,
    page,
    pageCount,
    perPage,
  };
}

