import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { commentEvents, comments, type CommentStatus } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import type { Db } from "@/lib/db";
import { akismetConfigured } from "@/lib/spam/akismet";
import { enqueueFeedback } from "./outbox";
import {
  correctionFor,
  feedbackFor,
  moderatorReason,
  STATUS_LABELS,
  targetStatus,
  type ModerationAction,
} from "./transitions";

export type Moderator = { id: number; name: string };

export type ModerationResult =
  | { ok: true; id: number; from: CommentStatus; to: CommentStatus | null; message: string; feedback: "queued" | "cancelled" | null }
  | { ok: false; id: number; code: "stale" | "invalid"; current: CommentStatus | null; message: string };

/**
 * One moderator action on one comment, in one transaction: the move (only if
 * the comment is still in the status the moderator saw, so two moderators
 * never silently overwrite each other), its history entry, and any Akismet
 * report queued in the outbox (sent in the background by `processOutbox`).
 * `undo` moves a comment back to `target` from the status it was moved to.
 */
export function moderateComment(
  db: Db,
  actor: Moderator,
  input: { id: number; action: ModerationAction | "undo"; expected: CommentStatus; target?: CommentStatus },
  now = new Date(),
): ModerationResult {
  return db.transaction(() => {
    const row = db
      .select({ id: comments.id, status: comments.status, spamCheck: comments.spamCheck })
      .from(comments)
      .where(eq(comments.id, input.id))
      .get();
    if (!row) return { ok: false, id: input.id, code: "stale", current: null, message: "This comment no longer exists." } as const;
    if (row.status !== input.expected) {
      return {
        ok: false,
        id: input.id,
        code: "stale",
        current: row.status,
        message: `Someone already moved this comment to ${STATUS_LABELS[row.status]}; nothing changed.`,
      } as const;
    }

    let to: CommentStatus | null | "invalid";
    if (input.action === "undo") {
      to = input.target && input.target !== row.status ? input.target : "invalid";
    } else {
      const beforeTrash =
        input.action === "restore"
          ? (db
              .select({ from: commentEvents.fromStatus })
              .from(commentEvents)
              .where(and(eq(commentEvents.commentId, row.id), eq(commentEvents.toStatus, "trash")))
              .orderBy(desc(commentEvents.id))
              .limit(1)
              .get()?.from ?? null)
          : null;
      to = targetStatus(input.action, row.status, beforeTrash);
    }
    if (to === "invalid") {
      return { ok: false, id: input.id, code: "invalid", current: row.status, message: "That action does not apply to this comment." } as const;
    }

    if (to === null) {
      db.delete(comments).where(and(eq(comments.id, row.id), eq(comments.status, input.expected))).run();
      return { ok: true, id: row.id, from: row.status, to: null, message: "Deleted permanently.", feedback: null } as const;
    }

    const reason = moderatorReason(input.action, actor.name);
    db.update(comments)
      .set({ status: to, statusReason: reason, updatedAt: now, nextSpamCheckAt: null })
      .where(and(eq(comments.id, row.id), eq(comments.status, input.expected)))
      .run();
    const verdict = row.spamCheck?.verdict ?? null;
    const correction = correctionFor(verdict, row.status, to);
    addCommentEvent(db, {
      commentId: row.id,
      type: "moderation",
      actorId: actor.id,
      fromStatus: row.status,
      toStatus: to,
      message: reason,
      detail: { action: input.action, akismetVerdict: verdict, correction },
      at: now,
    });

    let feedback: "queued" | "cancelled" | null = null;
    const kind = feedbackFor(row.status, to);
    const params = row.spamCheck?.params;
    if (kind && params && Object.keys(params).length > 0) {
      if (akismetConfigured()) {
        feedback = enqueueFeedback(db, { commentId: row.id, kind, params, actorId: actor.id, now });
      } else {
        addCommentEvent(db, {
          commentId: row.id,
          type: "akismet_feedback",
          actorId: actor.id,
          message: `Not reported to Akismet (${kind}): no Akismet key is configured`,
          at: now,
        });
      }
    }
    return { ok: true, id: row.id, from: row.status, to, message: `${STATUS_LABELS[row.status]} → ${STATUS_LABELS[to]}.`, feedback } as const;
  });
}

/** Empty spam / empty trash: deletes every comment in that queue, in batches. */
export function emptyQueue(db: Db, status: "spam" | "trash"): number {
  let total = 0;
  for (;;) {
    const ids = db.select({ id: comments.id }).from(comments).where(eq(comments.status, status)).limit(500).all().map((r) => r.id);
    if (ids.length === 0) return total;
    total += db.delete(comments).where(and(inArray(comments.id, ids), eq(comments.status, status))).run().changes;
  }
}
