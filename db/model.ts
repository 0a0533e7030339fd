/**
 * The values the data model allows, shared by both stores' schemas
 * (db/sqlite/schema.ts, db/pg/schema.ts) and the domain code.
 */

export const USER_ROLES = ["reader", "editor", "moderator", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const ARTICLE_STATUSES = ["draft", "in_review", "published"] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export const REVIEW_STATUSES = ["draft", "published"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const COMMENT_STATUSES = ["pending", "approved", "spam", "trash"] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** Whether and how a comment went through the Akismet check. */
export const SPAM_CHECK_STATES = [
  "checked", // Akismet answered true or false
  "not_checked", // Akismet failed (timeout, error, invalid key): to be retried
  "skipped", // no check needed or possible (trusted role, no key configured, local verdict)
] as const;
export type SpamCheckState = (typeof SPAM_CHECK_STATES)[number];

/** What was sent to Akismet and what it answered, kept with each comment. */
export type SpamCheckRecord = {
  verdict: "ham" | "spam" | "error";
  blatant: boolean;
  guid: string | null;
  proTip: string | null;
  error: string | null;
  debugHelp: string | null;
  latencyMs: number;
  checkedAt: string;
  /** What was sent (without the API key), resent by retries and feedback. */
  params: Record<string, string>;
  /** Hold rules that fired locally: a "not spam" answer still leaves these held. */
  localHolds: string[];
};

export const FEEDBACK_KINDS = ["submit-spam", "submit-ham"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export const ARTICLE_EVENT_TYPES = [
  "created",
  "submitted",
  "published",
  "sent_back",
  "unpublished",
  "slug_changed",
  "review_saved",
  "review_published",
  "review_unpublished",
  // Per-article comment settings (lib/articles/comment-settings.ts).
  "comments_closed",
  "comments_opened",
  "comment_settings",
] as const;
export type ArticleEventType = (typeof ARTICLE_EVENT_TYPES)[number];

export const OUTBOX_STATES = ["pending", "sent", "failed"] as const;

/** How often a moderator is mailed the comments newly held for moderation. */
export const HELD_DIGESTS = ["off", "hourly", "daily"] as const;
export type HeldDigest = (typeof HELD_DIGESTS)[number];

/** What a message in the mail outbox is (lib/mail). */
export const MAIL_KINDS = [
  "reply_notification",
  "notify_confirmation",
  "held_digest",
  "data_link",
  // Reader accounts (lib/accounts): a reset link, a verification link, a new address's link, a notice to the account's address.
  "password_reset",
  "email_verification",
  "email_change",
  "account_notice",
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** Who asked for a commenter's data to be erased (the audit log keeps this, not who they were). */
export const ERASURE_VIAS = ["account", "email_link", "admin"] as const;
export type ErasureVia = (typeof ERASURE_VIAS)[number];

/** What an imported row was in the file it came from (import_ids). */
export const IMPORT_KINDS = ["article", "comment", "user"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Why a reader reports a comment (Reader reports, lib/community/reports.ts), with the words readers see. */
export const REPORT_REASONS = ["offensive", "abusive", "spam", "off_topic", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/**
 * What happened to a commenter (an account, or a guest's email address), for
 * the commenter page's history (lib/community/commenters.ts).
 */
export const COMMENTER_EVENT_TYPES = [
  "role_changed",
  "banned",
  "unbanned",
  "suspended",
  "suspension_lifted",
  "renamed",
  "premoderated",
  "premoderation_lifted",
  // The account's own changes (lib/accounts): password, address and sign-in methods.
  "password_changed",
  "password_reset",
  "email_verified",
  "email_change_requested",
  "email_changed",
  "email_change_undone",
  "sign_on_created",
  "sign_on_linked",
  "sign_on_removed",
] as const;

/**
 * What a mailed account link does (table account_tokens): reset the
 * password, verify the address, move the account to a new address, or undo
 * that move (the link sent to the old address).
 */
export const ACCOUNT_TOKEN_KINDS = ["password_reset", "email_verification", "email_change", "email_undo"] as const;
export type AccountTokenKind = (typeof ACCOUNT_TOKEN_KINDS)[number];
export type CommenterEventType = (typeof COMMENTER_EVENT_TYPES)[number];
