import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { commentEvents, comments, users, type ErasureVia } from "@/db/schema";
import { deleteCommentsKeepingReplies, movedUpAuthorKey } from "@/lib/comments/removal";
import { execute, getDb, rows, transaction, type Db } from "@/lib/db";
import { ilike, inIds, jsonText, likeEscape } from "@/lib/db/dialect";
import { rewriteDigestsListing } from "@/lib/mail/digest";
import { recordErasure } from "./audit";
import { subjectComments, type DataSubject } from "./subject";

/** How the history of a reply that stays words what happened to the comment it answered. */
export const ERASED_HOW = "erased at its author's request";

/** Comments per transaction: each batch is short, so readers and posters never wait long. */
const BATCH = 100;

export type ErasureSummary = {
  commentsErased: number;
  /** Other people's replies that stayed, moved up a level. */
  repliesKept: number;
  /** Messages deleted, sent or waiting: addressed to the address, or notifying others of an erased reply (they quote it). */
  mailsErased: number;
  /** Akismet feedback reports about the erased comments (they hold the name, email and IP) that were deleted. */
  feedbackErased: number;
};

export type ErasureDoor = { via: ErasureVia; actorId?: number | null };

/**
 * Erases a commenter's data (personal-data erasure):
 * - every comment of the subject (by email, whatever its case; or an
 *   account's), in batches of short transactions, each deleted with its
 *   history; other people's replies stay, moved up a level
 *   (`deleteCommentsKeepingReplies`), and their history names neither the
 *   erased comment's author nor their address: neither the notes this
 *   erasure writes nor those an earlier deletion of the subject's comments
 *   wrote ("#12 by Ann" becomes "#12");
 * - a moderator's digest in the outbox that lists the erased comments is
 *   rendered again without them (deleted when nothing is left to list), in
 *   the transaction that deletes them;
 * - the Akismet feedback reports about those comments, and any others whose
 *   stored parameters carry the address;
 * - mail addressed to the address, pending or sent, and reply notifications
 *   to others that quote the erased comments; the address is blanked out of
 *   other messages that mention it;
 * - sign-in attempt counters keyed by the address, unless an account has it.
 *
 * Then writes one row to the audit log (`erasures`): the door, the admin for
 * "admin", the counts, the time, and nothing about the person. The account
 * itself is not deleted (an admin deletes accounts at /admin/users).
 *
 * Idempotent: a second erasure finds nothing and records zeros.
 */
export async function erasePersonalData(subject: DataSubject, door: ErasureDoor, db: Db = getDb(), options: { batchSize?: number } = {}): Promise<ErasureSummary> {
  const batchSize = options.batchSize ?? BATCH;
  const email = subject.email.toLowerCase();
  const summary: ErasureSummary = { commentsErased: 0, repliesKept: 0, mailsErased: 0, feedbackErased: 0 };

  for (;;) {
    const batch = await transaction(db, async (tx) => {
      const found = await tx
        .select({ id: comments.id, authorName: comments.authorName, content: comments.content, createdAt: comments.createdAt })
        .from(comments)
        .where(subjectComments(subject))
        .orderBy(desc(comments.id))
        .limit(batchSize);
      const ids = found.map((r) => r.id);
      if (ids.length === 0) return null;
      // Reports still to go to Akismet about these comments carry their name, email and IP.
      const feedback = await execute(tx, sql`delete from akismet_outbox where ${inIds(tx, sql`comment_id`, ids)}`);
      // Notifications to others that quote these comments (lib/mail/notifications.ts keys them
      // "reply:<reply id>"), and the confirmation requests about them ("confirm:<comment id>").
      const quoting = await execute(
        tx,
        sql`delete from mail_outbox where dedupe_key in (${sql.join(
          ids.flatMap((id) => [sql`${`reply:${id}`}`, sql`${`confirm:${id}`}`]),
          sql`, `,
        )})`,
      );
      const removed = await deleteCommentsKeepingReplies(tx, ids, { actor: null, how: ERASED_HOW });
      // Notes on replies that name the subject: these comments' (just written) and earlier deletions'.
      await forgetAuthorInMovedUpNotes(tx, subject, [...new Set(found.map((c) => c.authorName))]);
      // A moderator's digest that lists these comments: rendered again without them.
      const digests = await rewriteDigestsListing(tx, found.filter((c) => removed.ids.includes(c.id)));
      return { removed, feedback, quoting: quoting + digests.deleted };
    });
    if (!batch) break;
    summary.mailsErased += batch.quoting;
    summary.commentsErased += batch.removed.deleted;
    summary.repliesKept += batch.removed.repliesKept;
    summary.feedbackErased += batch.feedback;
    // Nothing went although comments were found: someone else deleted them meanwhile; look again once more at most.
    if (batch.removed.deleted === 0 && batch.removed.processed === 0) break;
  }

  await transaction(db, async (tx) => {
    // Notes written by earlier deletions of the subject's comments (none of which is left to find above);
    // an account's own name finds the notes written before they carried the account.
    const accountName =
      subject.kind === "account" ? (await tx.select({ name: users.name }).from(users).where(eq(users.id, subject.userId)))[0]?.name : undefined;
    await forgetAuthorInMovedUpNotes(tx, subject, accountName ? [accountName] : []);
    // What is found by the address alone is touched only when the address is
    // proven (the mailed link, an admin): an account's address was never
    // checked, so an account erases what is tied to its own comments only.
    if (subject.kind === "email") {
      // Reports about comments deleted earlier (their comment_id is gone) still hold the address in their parameters.
      summary.feedbackErased += await execute(
        tx,
        sql`delete from akismet_outbox where lower(${jsonText(tx, sql`params`, "comment_author_email")}) = lower(${email})`,
      );
      summary.mailsErased += await execute(tx, sql`delete from mail_outbox where lower(to_address) = lower(${email})`);
      await blankAddressInOtherMail(tx, email);
      // What moderators wrote and recorded about the address as a guest commenter. (An account's
      // go with the account. "Always pre-moderate" on the address stays: it holds nothing but the
      // address, and erasing it must not be a way round a moderator's decision; docs/decisions/025.)
      await execute(tx, sql`delete from commenter_notes where email = ${email}`);
      await execute(tx, sql`delete from commenter_events where email = ${email}`);
    }
    if (subject.kind === "email" && !(await accountHasEmail(tx, email))) {
      const escaped = likeEscape(email);
      await execute(
        tx,
        sql`delete from rate_limits where lower(key) = ${`signin-account:${email}`} or ${ilike(tx, sql`key`, `signin-account-ip:${escaped} %`)}`,
      );
    }
    await recordErasure(tx, {
      via: door.via,
      actorId: door.via === "admin" ? (door.actorId ?? null) : null,
      commentsErased: summary.commentsErased,
      mailsErased: summary.mailsErased,
    });
  });
  return summary;
}

type MovedUpNote = { id: number; message: string; detail: Record<string, unknown> | null };

/**
 * The history of a reply that moved up names the author of the comment it
 * answered ("Moved up a level: the comment it replied to (#12 by Ann) was
 * deleted permanently by Mo"), written by this erasure or by any deletion
 * before it: such a note keeps the number, not the name. Notes written since
 * decision 018 carry who wrote the deleted comment (a keyed digest of the
 * address, the account's id: lib/comments/removal.ts) and are found by it;
 * older ones are found by the subject's names (`names`, those on the
 * comments being erased), the only thing left to tie them to the person.
 * The keys go too.
 */
async function forgetAuthorInMovedUpNotes(tx: Db, subject: DataSubject, names: readonly string[]): Promise<void> {
  const byAuthor =
    subject.kind === "email"
      ? sql`${jsonText(tx, sql`detail`, "deletedAuthorKey")} = ${movedUpAuthorKey(subject.email)}`
      : sql`cast(${jsonText(tx, sql`detail`, "deletedAuthorUserId")} as text) = ${String(subject.userId)}`;
  const named = names
    .filter((n) => n !== "")
    .map((n) => ({ name: n, pattern: `Moved up a level: the comment it replied to (#% by ${likeEscape(n)}) was %` }));
  const byName = named.length
    ? sql` or (${jsonText(tx, sql`detail`, "deletedAuthorKey")} is null and (${sql.join(
        named.map((n) => sql`message like ${n.pattern} escape '\\'`),
        sql` or `,
      )}))`
    : sql.empty();
  const notes = await rows<{ id: number; message: string; detail: unknown }>(
    tx,
    sql`select id, message, detail from comment_events where type = 'moved_up' and (${byAuthor}${byName})`,
  );
  for (const note of notes) {
    const detail = (typeof note.detail === "string" ? JSON.parse(note.detail) : note.detail) as MovedUpNote["detail"];
    const message = withoutAuthor(note.message, detail, named.map((n) => n.name));
    if (message === null) continue;
    const kept = detail ? { deletedParentId: detail.deletedParentId, newParentId: detail.newParentId, how: detail.how } : null;
    await tx
      .update(commentEvents)
      .set({ message, detail: kept })
      .where(eq(commentEvents.id, note.id));
  }
}

const MOVED_UP = /^Moved up a level: the comment it replied to \(#(\d+) by /;

/** The note's message with the number only; null when it names no one we can take out. */
function withoutAuthor(message: string, detail: MovedUpNote["detail"], names: readonly string[]): string | null {
  const id = MOVED_UP.exec(message)?.[1];
  if (!id) return null;
  if (detail && typeof detail.how === "string") return `Moved up a level: the comment it replied to (#${id}) was ${detail.how}`;
  for (const name of names) {
    const prefix = `Moved up a level: the comment it replied to (#${id} by ${name}) was `;
    if (message.startsWith(prefix)) return `Moved up a level: the comment it replied to (#${id}) was ${message.slice(prefix.length)}`;
  }
  return null;
}

/** Messages to other people that quote the address (a moderator's digest): the address is replaced by "[erased]". */
async function blankAddressInOtherMail(tx: Db, email: string): Promise<void> {
  const pattern = `%${likeEscape(email)}%`;
  const found = await rows<{ id: number; subject: string; textBody: string; htmlBody: string | null }>(
    tx,
    sql`select id, subject, text_body as "textBody", html_body as "htmlBody" from mail_outbox
        where ${ilike(tx, sql`subject`, pattern)} or ${ilike(tx, sql`text_body`, pattern)} or ${ilike(tx, sql`coalesce(html_body, '')`, pattern)}`,
  );
  const address = new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
  for (const m of found) {
    await execute(
      tx,
      sql`update mail_outbox set subject = ${m.subject.replace(address, "[erased]")}, text_body = ${m.textBody.replace(address, "[erased]")},
          html_body = ${m.htmlBody === null ? null : m.htmlBody.replace(address, "[erased]")} where id = ${m.id}`,
    );
  }
}

async function accountHasEmail(tx: Db, email: string): Promise<boolean> {
  return (await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email)).limit(1)).length > 0;
}
