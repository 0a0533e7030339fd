import type { CommentStatus } from "@/db/schema";

/**
 * What a moderator can do to a comment, from which queue, and where it goes:
 * the rules WordPress's comment screen follows, written down once.
 */
export const MODERATION_ACTIONS = ["approve", "unapprove", "spam", "not_spam", "trash", "restore", "delete", "keep", "feature", "unfeature"] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

export const ACTION_LABELS: Record<ModerationAction | "check", string> = {
  approve: "Approve",
  unapprove: "Unapprove",
  spam: "Spam",
  not_spam: "Not spam",
  trash: "Trash",
  restore: "Restore",
  delete: "Delete permanently",
  // The Reported queue's Approve: the comment stays published, its reports are closed.
  keep: "Approve",
  feature: "Feature",
  unfeature: "Unfeature",
  check: "Check for spam",
};

const FROM: Record<ModerationAction, readonly CommentStatus[]> = {
  approve: ["pending"],
  unapprove: ["approved"],
  spam: ["pending", "approved"],
  not_spam: ["spam"],
  trash: ["pending", "approved", "spam"],
  restore: ["trash"],
  delete: ["spam", "trash"],
  keep: ["approved"],
  feature: ["pending", "approved"],
  unfeature: ["approved"],
};

/** The actions offered in each queue, in the order they are shown. */
export const QUEUE_ACTIONS: Record<CommentStatus, readonly (ModerationAction | "check")[]> = {
  pending: ["approve", "feature", "spam", "trash", "check"],
  approved: ["unapprove", "feature", "unfeature", "spam", "trash"],
  spam: ["not_spam", "trash", "delete"],
  trash: ["restore", "delete"],
};

/** The Reported queue (published comments with open reports): Approve keeps it and closes its reports. */
export const REPORTED_ACTIONS: readonly (ModerationAction | "check")[] = ["keep", "spam", "trash"];

/**
 * Where an action takes a comment in `current` status: a status, null for a
 * permanent deletion, or "invalid" when the action does not apply there.
 * `beforeTrash` is the status a trashed comment had (restore returns it there).
 */
export function targetStatus(
  action: ModerationAction,
  current: CommentStatus,
  beforeTrash: CommentStatus | null = null,
): CommentStatus | null | "invalid" {
  if (!FROM[action].includes(current)) return "invalid";
  switch (action) {
    case "approve":
    case "not_spam":
    case "keep":
    case "feature":
    case "unfeature":
      return "approved";
    case "unapprove":
      return "pending";
    case "spam":
      return "spam";
    case "trash":
      return "trash";
    case "restore":
      return beforeTrash && beforeTrash !== "trash" ? beforeTrash : "pending";
    case "delete":
      return null;
  }
}

/**
 * Akismet feedback a move calls for: into spam → submit-spam; out of spam to
 * a visible or held status → submit-ham. Trash and deletion say nothing.
 */
export function feedbackFor(from: CommentStatus, to: CommentStatus | null): "submit-spam" | "submit-ham" | null {
  if (to === "spam" && from !== "spam" && from !== "trash") return "submit-spam";
  if (from === "spam" && (to === "approved" || to === "pending")) return "submit-ham";
  return null;
}

/**
 * A moderator correcting Akismet: a comment it called spam published
 * (false positive), or one it called ham marked as spam (false negative).
 */
export function correctionFor(
  akismetVerdict: "ham" | "spam" | "error" | null | undefined,
  from: CommentStatus,
  to: CommentStatus | null,
): "false_positive" | "false_negative" | null {
  if (akismetVerdict === "spam" && from === "spam" && (to === "approved" || to === "pending")) return "false_positive";
  if (akismetVerdict === "ham" && to === "spam" && from !== "spam") return "false_negative";
  return null;
}

export const STATUS_LABELS: Record<CommentStatus, string> = {
  pending: "Pending",
  approved: "Approved",
  spam: "Spam",
  trash: "Trash",
};

const PAST: Record<ModerationAction | "undo", string> = {
  approve: "approved",
  unapprove: "unapproved",
  spam: "marked as spam",
  not_spam: "marked as not spam",
  trash: "moved to trash",
  restore: "restored",
  delete: "deleted permanently",
  keep: "kept after its reports were reviewed",
  feature: "featured",
  unfeature: "no longer featured",
  undo: "undone",
};

/** The plain-words reason a comment is where a moderator put it. */
export function moderatorReason(action: ModerationAction | "undo", actorName: string): string {
  return `Moderator: ${PAST[action]} by ${actorName}`;
}
