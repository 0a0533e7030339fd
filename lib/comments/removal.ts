import "server-only";
import { performance } from "node:perf_hooks";
import type { CommentStatus } from "@/db/schema";
import { execute, row, rows, sql, transaction, type Db } from "@/lib/db";
import { forUpdate } from "@/lib/db/dialect";
import { sign } from "@/lib/auth/secret";
import { addCommentEvent } from "./history";

export type RemovalSummary = {
  /** Comments deleted for good (exactly these rows, nothing below them). */
  deleted: number;
  /** Replies that stayed and moved up a level (replies that were deleted too are not counted). */
  repliesKept: number;
  /** The deleted ids, in the order they went. */
  ids: number[];
  /** The replies that stayed and moved up. */
  keptReplyIds: number[];
  /** How many of the given ids were handled (all of them unless a budget ran out). */
  processed: number;
};

export type RemovalOptions = {
  /** Who deleted them (a moderator, an admin), or null for a job. */
  actor: { id: number; name: string } | null;
  /** How the reply's history words it: "deleted permanently by Mo", "deleted by the retention job". */
  how: string;
  /** Delete a comment only while it is still in this status (a moderator's view, a job's query). */
  onlyIfStatus?: CommentStatus;
  now?: Date;
  /**
   * Stop taking the next comment once this many milliseconds have passed
   * (background jobs keep each transaction short); the summary's `ids` say
   * which went, `processed` how many of `ids` were looked at.
   */
  budgetMs?: number;
};

type Target = { id: number; parentId: number | null; authorName: string; authorEmail: string; userId: number | null; status: CommentStatus };

/**
 * Who wrote a deleted comment, as the "moved up" note on its replies keeps
 * it for a later erasure (decision 018): the note names the author ("#12
 * by Ann"), and once the comment is gone nothing else ties that name to an
 * address. A keyed digest of the address (never the address itself) lets
 * the erasure of that address find and rewrite the note.
 */
export function movedUpAuthorKey(email: string): string {
  return sign("moved-up-author", email.trim().toLowerCase()).slice(0, 32);
}

/**
 * Deletes comments permanently without taking anyone else's words with them:
 * each reply of a deleted comment moves up to the deleted comment's parent
 * (to the top level when it had none), as WordPress does, with an entry in
 * the reply's history saying what it replied to and who deleted that
 * (decision 010). The deleted comments' own history goes with them.
 *
 * Runs in the caller's transaction when it is given one (`tx`: a nested
 * transaction is a savepoint), else in its own.
 */
export async function deleteCommentsKeepingReplies(db: Db, ids: readonly number[], options: RemovalOptions): Promise<RemovalSummary> {
  const now = options.now ?? new Date();
  return transaction(db, async (tx) => {
    const summary: RemovalSummary = { deleted: 0, repliesKept: 0, ids: [], keptReplyIds: [], processed: 0 };
    const moved = new Set<number>();
    const until = options.budgetMs === undefined ? Infinity : performance.now() + options.budgetMs;
    for (const id of new Set(ids)) {
      if (summary.processed > 0 && performance.now() >= until) break;
      summary.processed++;
      const target = await row<Target>(
        tx,
        // Locked (PostgreSQL) so the status checked is the status deleted.
        sql`select id, parent_id as "parentId", author_name as "authorName", author_email as "authorEmail", user_id as "userId", status
            from comments where id = ${id} ${forUpdate(tx)}`,
      );
      if (!target || (options.onlyIfStatus && target.status !== options.onlyIfStatus)) continue;
      const replies = (await rows<{ id: number }>(tx, sql`select id from comments where parent_id = ${id}`)).map((r) => r.id);
      if (replies.length > 0) {
        await execute(tx, sql`update comments set parent_id = ${target.parentId} where parent_id = ${id}`);
        for (const replyId of replies) {
          moved.add(replyId);
          await addCommentEvent(tx, {
            commentId: replyId,
            type: "moved_up",
            actorId: options.actor?.id ?? null,
            message: `Moved up a level: the comment it replied to (#${id} by ${target.authorName || "a guest"}) was ${options.how}`,
            // `how` rebuilds the message without the name; the author's key and account find it (lib/privacy/erase.ts).
            detail: {
              deletedParentId: id,
              newParentId: target.parentId,
              how: options.how,
              deletedAuthorKey: target.authorEmail ? movedUpAuthorKey(target.authorEmail) : null,
              deletedAuthorUserId: target.userId,
            },
            at: now,
          });
        }
      }
      await execute(tx, sql`delete from comments where id = ${id}`);
      summary.deleted++;
      summary.ids.push(id);
      moved.delete(id);
    }
    summary.repliesKept = moved.size;
    summary.keptReplyIds = [...moved];
    return summary;
  });
}
