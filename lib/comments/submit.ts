import "server-only";
import { mailEnabled } from "@/lib/mail/outbox";
import { notifyChoice } from "@/lib/mail/notifications";
import { afterApproval } from "./approval-mail";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { addressLimitKey } from "@/lib/http/address-key";
import { and, eq } from "drizzle-orm";
import { comments, type Article, type CommentStatus, type SpamCheckRecord, type UserRole } from "@/db/schema";
import { getPublishedArticle } from "@/lib/articles/queries";
import { getDb, row as firstRow, sql, transaction, type Db } from "@/lib/db";
import { forShare } from "@/lib/db/dialect";
import { env } from "@/lib/env";
import { getSettings } from "@/lib/settings";
import type { Settings } from "@/lib/settings/schema";
import { SITE_LANG } from "@/lib/site";
import { akismetConfigured, akismetIsTest, callAkismet, toCheckRecord } from "@/lib/spam/akismet";
import { buildCheckParams } from "@/lib/spam/params";
import { decideStatus, decideWithoutAkismet, retryDelayMs, type StatusDecision } from "@/lib/spam/verdict";
import { leaseOwner } from "@/lib/db/leases";
import { checkLeaseUntil } from "./check-lease";
import { runDefences, type DefenceEvent, type RefusalCode } from "./defences";
import { noteCheckDuration, waitAsLongAsACheck } from "./check-timing";
import { checkFormToken, formTokenDigest, issueFormToken, type FormTokenCheck } from "./form-token";
import { addCommentEvent } from "./history";
import { defenceLookups, samePostStored, takePostingTurn } from "./lookups";
import { commentDepth } from "./thread";
import { INVALID_COMMENT_MESSAGE, validateComment, type CommentInput, type FieldErrors } from "./validation";

/** What a spam answer waits before this process has timed any Akismet check (a typical check here). */
const NO_CHECK_TIMED_YET_MS = 200;

/** Roles whose comments are approved without checks. */
export const TRUSTED_ROLES: readonly UserRole[] = ["editor", "moderator", "admin"];

export type CommentAuthorAccount = {
  id: number;
  name: string;
  email: string;
  role: UserRole;
  /** false: the account's address is not verified yet (its comments are held while requireVerifiedEmail is on). */
  emailVerified?: boolean;
};

export type SubmitContext = {
  ip: string;
  userAgent: string;
  referrer: string;
  /** The signed-in account, or null for a guest. */
  user: CommentAuthorAccount | null;
  /** The comments this browser posted (its signed own-comments cookie): part of a guest's record for the trust rules. */
  ownCommentIds?: readonly number[];
  now?: Date;
};

export type SubmitResult =
  | { ok: true; commentId: number; status: CommentStatus; articleId: number; articleSlug: string }
  | { ok: false; kind: "invalid"; fieldErrors: FieldErrors; message: string }
  | { ok: false; kind: "refused"; code: "flood" | "duplicate" | "closed" | "suspended"; message: string }
  /** The form was rendered too long ago: nothing stored; post again with `formToken`. */
  | { ok: false; kind: "expired"; message: string; formToken: string }
  | { ok: false; kind: "not_found"; message: string };

const INVALID_MESSAGE = INVALID_COMMENT_MESSAGE;

/**
 * The comment pipeline, stage by stage as README's "What happens to a
 * comment" tells it: validate the form, check its form token, run the local
 * defences, reach a verdict without Akismet if they can, store the comment
 * with its history (and the mail its approval calls for); else ask Akismet,
 * outside any transaction, and store its verdict with its history. Every
 * hold rule and verdict is lib/spam/verdict.ts's. The comment is written
 * before Akismet is asked (so nothing is lost if the call hangs or the
 * process dies).
 *
 * The checks that read other comments (the parent, flood, duplicate) and the
 * insert run in one short transaction, where posts from the same address,
 * email or account take turns (`takePostingTurn`), so two posts at once
 * cannot both pass the flood or duplicate rule.
 *
 * Posting is idempotent: the same post sent again (same form token, text,
 * article and parent, from the same account, or the same guest's name,
 * email, website and address) is answered with the comment stored the first
 * time, with its status, and nothing new is stored. So a retry after an answer
 * that was lost (the connection dropped during COMMIT: the comment may be
 * stored though the author was told it was not) is neither refused as a
 * duplicate nor posted twice. A different token, or another visitor, meets
 * the rules as before.
 */
export async function submitComment(
  articleSlug: string,
  raw: Record<string, unknown>,
  ctx: SubmitContext,
): Promise<SubmitResult> {
  const now = ctx.now ?? new Date();
  const validation = validateComment(raw, { guest: ctx.user === null });
  if (!validation.ok) return invalid(validation.fieldErrors);

  const article = await getPublishedArticle(articleSlug);
  if (!article) return { ok: false, kind: "not_found", message: "This article does not exist." };

  const db = getDb();
  const settings = await getSettings();
  const post = describePost(validation.data, article, ctx, now);

  // Everything in here reads and writes through `tx` only (a deadlock retry
  // on PostgreSQL runs it again).
  const stored = await transaction(db, (tx) => storeAfterLocalDefences(tx, post, settings));
  if ("refused" in stored) return stored.refused;
  if ("storedBefore" in stored) return accepted(post, stored.storedBefore.id, stored.storedBefore.status);
  if (stored.localDecision) {
    // Spam by the local rules (the block list) is decided without Akismet, where a held
    // comment waits for its check: answered at once, its speed would tell a spammer
    // which it was. It waits as long as a check takes here (lib/comments/check-timing.ts).
    if (stored.localDecision.status === "spam" && akismetConfigured()) {
      await waitAsLongAsACheck(NO_CHECK_TIMED_YET_MS, { maxMs: settings.akismetTimeoutMs });
    }
    return accepted(post, stored.commentId, stored.localDecision.status);
  }

  return checkWithAkismet(db, post, stored, settings);
}

/** A valid post, with who sent it, its form token checked, and what Akismet is to be asked. */
type Post = {
  input: CommentInput;
  article: Article;
  ctx: SubmitContext;
  now: Date;
  guest: boolean;
  parentId: number | null;
  author: { name: string; email: string; url: string; userId: number | null };
  trusted: boolean;
  formToken: FormTokenCheck;
  /** Only a genuine, unexpired token makes two posts the same post. */
  tokenHash: string | null;
  /** The Akismet parameters, stored with the comment for every later check. */
  params: Record<string, string>;
};

/** Who is posting (the account, or the guest's fields), whether their role is trusted, the form token, the Akismet parameters. */
function describePost(input: CommentInput, article: Article, ctx: SubmitContext, now: Date): Post {
  const parentId = input.parentId ?? null;
  const author = ctx.user
    ? { name: ctx.user.name, email: ctx.user.email.toLowerCase(), url: "", userId: ctx.user.id }
    : { name: input.name ?? "", email: (input.email ?? "").toLowerCase(), url: input.url ?? "", userId: null };
  const formToken = checkFormToken(input.formToken, article.id, now.getTime());
  const params = buildCheckParams({
    comment: {
      content: input.content,
      authorName: author.name,
      authorEmail: author.email,
      authorUrl: author.url,
      parentId,
      createdAt: now,
    },
    article: { slug: article.slug, modifiedAt: article.updatedAt },
    request: { ip: ctx.ip, userAgent: ctx.userAgent, referrer: ctx.referrer },
    userRole: ctx.user?.role ?? null,
    honeypot: input.honeypot,
    site: { url: env().SITE_URL, lang: SITE_LANG, charset: "UTF-8" },
    isTest: akismetIsTest(),
  });
  return {
    input,
    article,
    ctx,
    now,
    guest: ctx.user === null,
    parentId,
    author,
    trusted: ctx.user !== null && TRUSTED_ROLES.includes(ctx.user.role),
    formToken,
    tokenHash: formToken.valid ? formTokenDigest(input.formToken) : null,
    params,
  };
}

type StoreOutcome = { refused: SubmitResult } | { storedBefore: { id: number; status: CommentStatus } } | Stored;

/**
 * The transaction of the pipeline: take this author's turn, answer a post
 * stored before, check the parent, run the local defences, decide without
 * Akismet when they can, store the comment and its history.
 */
async function storeAfterLocalDefences(tx: Db, post: Post, settings: Settings): Promise<StoreOutcome> {
  await takePostingTurn(tx, { ip: post.ctx.ip, email: post.author.email, userId: post.author.userId });
  // This very post, stored before (its answer lost on the way): answered
  // with that comment, before the flood and duplicate rules refuse it.
  const before = await sameStoredPost(tx, post);
  if (before) return { storedBefore: before };

  const parentError = await parentProblem(tx, post, settings.threadDepth);
  if (parentError) return { refused: invalid({ parentId: parentError }) };

  const defence = await runDefences({
    now: post.now,
    settings,
    article: post.article,
    author: {
      ...post.author,
      trusted: post.trusted,
      unverified: post.ctx.user?.emailVerified === false && settings.requireVerifiedEmail && mailEnabled(),
      ipKey: post.ctx.ip ? addressLimitKey(post.ctx.ip) : "",
      ownIds: post.ctx.ownCommentIds ?? [],
    },
    ip: post.ctx.ip,
    content: post.input.content,
    honeypot: post.input.honeypot,
    formToken: post.formToken,
    lookups: defenceLookups(tx),
  });
  if (defence.outcome === "refused") return { refused: refusal(defence, post) };

  // Decided without Akismet: local spam, trusted roles, or no key configured.
  const localHolds = defence.outcome === "spam" ? [] : defence.holds;
  const localDecision = decideWithoutAkismet({
    trusted: post.trusted,
    local: defence.outcome === "spam" ? { outcome: "spam", reason: defence.reason } : { outcome: defence.outcome, holds: defence.holds },
    akismetConfigured: akismetConfigured(),
    guest: post.guest,
  });
  // The pipeline holds the comment's check lease from the moment it is stored:
  // a retry or a moderator's Check for spam leaves it alone until the lease ends.
  const owner = localDecision ? null : leaseOwner("submit");

  const commentId = await insertComment(tx, post, settings, { localDecision, localHolds, owner });
  await recordSubmission(tx, commentId, post, defence.events, localDecision);
  return { commentId, localDecision, localHolds, owner };
}

/** The comment this very post stored before, if any (same genuine form token, text, place and author). */
async function sameStoredPost(tx: Db, post: Post): Promise<{ id: number; status: CommentStatus } | null> {
  if (!post.tokenHash) return null;
  return samePostStored(tx, {
    tokenHash: post.tokenHash,
    articleId: post.article.id,
    parentId: post.parentId,
    content: post.input.content,
    userId: post.author.userId,
    name: post.author.name,
    email: post.author.email,
    url: post.author.url,
    ip: post.ctx.ip,
  });
}

/** Why a reply cannot go under its parent (gone, elsewhere, not approved, too deep), or null. */
async function parentProblem(tx: Db, post: Post, threadDepth: number): Promise<string | null> {
  if (post.parentId === null) return null;
  // Locked until the reply is stored (PostgreSQL): a moderator moving or
  // deleting the parent meanwhile waits, then moves the reply up with it.
  const parent = await firstRow<{ id: number; articleId: number; status: CommentStatus }>(
    tx,
    sql`select id, article_id as "articleId", status from comments where id = ${post.parentId} ${forShare(tx)}`,
  );
  if (!parent || parent.articleId !== post.article.id || parent.status !== "approved") {
    return "The comment you are replying to is no longer available.";
  }
  if ((await commentDepth(tx, post.parentId)) + 1 > threadDepth) return `Replies can nest at most ${threadDepth} levels deep.`;
  return null;
}

/** The stored comment: the local verdict, or pending and leased for the Akismet check, its retry due in case that never ends. */
async function insertComment(
  tx: Db,
  post: Post,
  settings: Settings,
  { localDecision, localHolds, owner }: Pick<Stored, "localDecision" | "localHolds" | "owner">,
): Promise<number> {
  const { ctx, author, input, now } = post;
  const [row] = await tx
    .insert(comments)
    .values({
      articleId: post.article.id,
      parentId: post.parentId,
      userId: author.userId,
      authorName: author.name,
      authorEmail: author.email,
      authorUrl: author.url,
      content: input.content,
      status: localDecision?.status ?? "pending",
      statusReason: localDecision?.reason ?? "Not checked yet: waiting for Akismet",
      ip: ctx.ip,
      ipKey: ctx.ip ? addressLimitKey(ctx.ip) : "",
      userAgent: ctx.userAgent,
      referrer: ctx.referrer,
      spamCheckState: localDecision ? localDecision.spamCheckState : "not_checked",
      spamCheck: localDecision ? null : pendingRecord(post.params, localHolds),
      // Crash safety: if the check below never completes, the retry job picks it up.
      nextSpamCheckAt: localDecision ? null : new Date(now.getTime() + retryDelayMs(1, settings.akismetRetryMinutes)),
      checkLeaseOwner: owner,
      checkLeaseUntil: owner ? new Date(checkLeaseUntil(now, settings.akismetTimeoutMs)) : null,
      // Asked for replies by mail (only while mail is on): on at once for an address
      // confirmed before, else after the address confirms (lib/mail/notifications.ts).
      ...(await notifyChoice(tx, input.notify, { email: author.email, userId: author.userId }, now)),
      formTokenHash: post.tokenHash,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: comments.id });
  return row!.id;
}

/** The new comment's history: who sent it, each defence that fired, and the local verdict (with the mail an approval calls for). */
async function recordSubmission(tx: Db, commentId: number, post: Post, events: DefenceEvent[], localDecision: StatusDecision | null): Promise<void> {
  const { ctx, author, now } = post;
  await addCommentEvent(tx, {
    commentId,
    type: "submitted",
    message: ctx.user
      ? `Submitted by ${ctx.user.name} (${ctx.user.role}) from ${ctx.ip || "an unknown IP"}`
      : `Submitted by guest ${author.name} <${author.email}> from ${ctx.ip || "an unknown IP"}`,
    at: now,
  });
  for (const event of events) {
    await addCommentEvent(tx, { commentId, type: "defence", message: event.message, detail: { rule: event.rule }, at: now });
  }
  if (localDecision) {
    await addCommentEvent(tx, {
      commentId,
      type: "status_change",
      message: localDecision.reason,
      toStatus: localDecision.status,
      at: now,
    });
    if (localDecision.status === "approved") await afterApproval(tx, commentId, now);
  }
}

/**
 * Akismet, outside any transaction, then its verdict, stored by the lease's
 * owner with its history (applyCheckResult). A database gone away after the
 * comment was stored leaves it to the retry job.
 */
async function checkWithAkismet(db: Db, post: Post, stored: Stored, settings: Settings): Promise<SubmitResult> {
  const { commentId, localHolds, owner } = stored;
  const started = performance.now();
  const result = await callAkismet("comment-check", post.params, { timeoutMs: settings.akismetTimeoutMs });
  const decision = decideStatus({
    trusted: post.trusted,
    local: { outcome: "hold", holds: localHolds },
    akismet: result.outcome,
    guest: post.guest,
  });
  try {
    await applyCheckResult(db, commentId, decision, toCheckRecord(result, post.params, localHolds), {
      owner: owner!,
      attempt: 1,
      retryMinutes: settings.akismetRetryMinutes,
      retryAfterSeconds: result.outcome.kind === "error" ? result.outcome.retryAfterSeconds : null,
      now: new Date(),
    });
  } catch (error) {
    // The comment is stored (pending, not checked, its retry due): when the
    // database went away after that, the retry job stores a verdict later.
    // The author's post did not fail, so it is not answered as a failure.
    if (!isDatabaseUnavailable(error)) throw error;
    console.warn(`[comments] #${commentId} stored; its Akismet verdict could not be saved (the database is unavailable): the retry job will check it again`);
    return accepted(post, commentId, "pending");
  }
  noteCheckDuration(performance.now() - started);
  return accepted(post, commentId, decision.status);
}

function invalid(fieldErrors: FieldErrors): SubmitResult {
  return { ok: false, kind: "invalid", fieldErrors, message: INVALID_MESSAGE };
}

/** A refusal of the local defences: nothing stored; an expired form gets a fresh token. */
function refusal(defence: { code: RefusalCode; message: string }, post: Post): SubmitResult {
  if (defence.code === "expired") {
    return { ok: false, kind: "expired", message: defence.message, formToken: issueFormToken(post.article.id, post.now.getTime()) };
  }
  return { ok: false, kind: "refused", code: defence.code, message: defence.message };
}

function accepted(post: Post, commentId: number, status: CommentStatus): SubmitResult {
  return { ok: true, commentId, status, articleId: post.article.id, articleSlug: post.article.slug };
}

/** What the pipeline's transaction stored. */
type Stored = { commentId: number; localDecision: StatusDecision | null; localHolds: string[]; owner: string | null };

function pendingRecord(params: Record<string, string>, localHolds: string[]): SpamCheckRecord {
  return {
    verdict: "error" as const,
    blatant: false,
    guid: null,
    proTip: null,
    error: "not checked yet",
    debugHelp: null,
    latencyMs: 0,
    checkedAt: new Date().toISOString(),
    params,
    localHolds,
  };
}

/**
 * Stores an Akismet result on a comment that is still pending, not checked
 * and leased to `retry.owner` (a moderator's decision in the meantime wins;
 * a runner whose lease was taken over stores nothing), with its history.
 * Returns whether the comment was updated. The update is one conditional
 * statement (checked again on the row it changes), so no isolation level
 * beyond the default is needed.
 */
export async function applyCheckResult(
  db: Db,
  commentId: number,
  decision: StatusDecision,
  record: ReturnType<typeof toCheckRecord>,
  retry: { owner: string; attempt: number; retryMinutes: number; retryAfterSeconds?: number | null; now: Date; recheck?: boolean },
): Promise<boolean> {
  const failed = decision.spamCheckState === "not_checked";
  // The backoff, or later when Akismet asked for more time (Retry-After on a 429/503).
  const retryDelay = Math.max(retryDelayMs(retry.attempt, retry.retryMinutes), (retry.retryAfterSeconds ?? 0) * 1000);
  return transaction(db, async (tx) => {
    // Only a comment still pending, not checked and leased to the caller
    // takes a check result; storing it ends the lease.
    const updated = await tx
      .update(comments)
      .set({
        status: decision.status,
        statusReason: failed && retry.recheck ? `${decision.reason} (retry ${retry.attempt})` : decision.reason,
        spamCheckState: decision.spamCheckState,
        blatant: decision.blatant,
        spamCheck: record,
        spamCheckAttempts: retry.attempt,
        nextSpamCheckAt: failed ? new Date(retry.now.getTime() + retryDelay) : null,
        checkLeaseOwner: null,
        checkLeaseUntil: null,
        updatedAt: retry.now,
      })
      .where(
        and(
          eq(comments.id, commentId),
          eq(comments.status, "pending"),
          eq(comments.spamCheckState, "not_checked"),
          eq(comments.checkLeaseOwner, retry.owner),
        ),
      )
      .returning({ id: comments.id });
    if (updated.length === 0) return false;
    const o = record;
    await addCommentEvent(tx, {
      commentId,
      type: failed ? "akismet_error" : "akismet_check",
      message: failed
        ? `${retry.recheck ? "Re-check" : "Akismet check"} failed: ${o.error}${o.debugHelp ? ` (${o.debugHelp})` : ""}`
        : `${retry.recheck ? "Re-check" : "Akismet"}: ${o.verdict === "spam" ? (o.blatant ? "spam (blatant)" : "spam") : "not spam"}`,
      detail: { guid: o.guid, proTip: o.proTip, latencyMs: o.latencyMs, attempt: retry.attempt },
      at: retry.now,
    });
    if (!(failed && retry.recheck)) {
      await addCommentEvent(tx, {
        commentId,
        type: "status_change",
        message: decision.reason,
        fromStatus: "pending",
        toStatus: decision.status,
        at: retry.now,
      });
    }
    if (decision.status === "approved") await afterApproval(tx, commentId, retry.now);
    return true;
  });
}
