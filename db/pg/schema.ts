/**
 * The whole data model of the platform on PostgreSQL: the same tables,
 * columns, defaults, checks and indexes as db/sqlite/schema.ts, with the same
 * values in JavaScript (tests/integration/schema-parity.test.ts compares the
 * two). Migrations: `npm run db:generate` writes db/pg/migrations.
 *
 * Times are integer milliseconds since the epoch (UTC) in `bigint` columns,
 * as on SQLite (decision 014): one representation for both stores, so raw SQL,
 * the change-log cursor and `npm run db:copy` need no conversion, and drizzle
 * hands the domain code the same `Date`s on either.
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import {
  ARTICLE_EVENT_TYPES,
  ARTICLE_STATUSES,
  COMMENT_STATUSES,
  COMMENTER_EVENT_TYPES,
  ERASURE_VIAS,
  FEEDBACK_KINDS,
  HELD_DIGESTS,
  IMPORT_KINDS,
  MAIL_KINDS,
  ACCOUNT_TOKEN_KINDS,
  OUTBOX_STATES,
  REPORT_REASONS,
  REVIEW_STATUSES,
  SPAM_CHECK_STATES,
  USER_ROLES,
  type SpamCheckRecord,
} from "../model";

/** A point in time: `bigint` milliseconds in the database, a `Date` in JavaScript. */
const timestampMs = customType<{ data: Date; driverData: number | string }>({
  dataType: () => "bigint",
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
});

/** The statement's clock, like SQLite's `unixepoch('subsecond')`: rows written in one transaction keep their order. */
const now = sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`;

const id = () => integer("id").primaryKey().generatedByDefaultAsIdentity();

const timestamps = {
  createdAt: timestampMs("created_at").notNull().default(now),
  updatedAt: timestampMs("updated_at").notNull().default(now),
};

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    role: text("role", { enum: USER_ROLES }).notNull().default("reader"),
    banned: boolean("banned").notNull().default(false),
    sessionVersion: integer("session_version").notNull().default(0),
    lastSignInAt: timestampMs("last_sign_in_at"),
    /** Moderators: how often to be mailed the comments newly held for moderation. */
    heldDigest: text("held_digest", { enum: HELD_DIGESTS }).notNull().default("off"),
    /** Suspended (lib/community/suspensions.ts) until this time: no posting, editing, reporting or respecting; null: not suspended. */
    suspendedUntil: timestampMs("suspended_until"),
    /** The moderator's message the suspended reader sees (plain text). */
    suspensionMessage: text("suspension_message").notNull().default(""),
    /** "Always pre-moderate": every new comment of the account is held (lib/spam/verdict.ts). */
    premoderate: boolean("premoderate").notNull().default(false),
    /** When the address was shown to be the account's (a mailed link opened, an admin or a provider vouching); null: not verified. */
    emailVerifiedAt: timestampMs("email_verified_at"),
    /** When the reader last changed their display name (once a day). */
    nameChangedAt: timestampMs("name_changed_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_unique").on(sql`lower(${t.email})`),
    check("users_role_check", sql`${t.role} in ('reader','editor','moderator','admin')`),
  ],
);

export const articles = pgTable(
  "articles",
  {
    id: id(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    body: text("body").notNull().default(""),
    heroImageUrl: text("hero_image_url"),
    heroImageAlt: text("hero_image_alt"),
    heroImageCaption: text("hero_image_caption"),
    heroImageCredit: text("hero_image_credit"),
    source: text("source"),
    authorId: integer("author_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: ARTICLE_STATUSES }).notNull().default("draft"),
    commentsOpen: boolean("comments_open").notNull().default(true),
    commentsCloseAt: timestampMs("comments_close_at"),
    /** Comments opened by hand ("Open comments"): the site's auto-close by age does not close them again. */
    commentsKeepOpen: boolean("comments_keep_open").notNull().default(false),
    /** Per-article pre-moderation: hold every new comment, or those with a link (lib/spam/verdict.ts). */
    premoderateAll: boolean("premoderate_all").notNull().default(false),
    premoderateLinks: boolean("premoderate_links").notNull().default(false),
    /** Plain text shown above the comments (at most 500 characters). */
    commentsMessage: text("comments_message").notNull().default(""),
    publishedAt: timestampMs("published_at"),
    version: integer("version").notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("articles_slug_unique").on(t.slug),
    index("articles_status_published_idx").on(t.status, t.publishedAt),
    check("articles_status_check", sql`${t.status} in ('draft','in_review','published')`),
  ],
);

export const editorReviews = pgTable(
  "editor_reviews",
  {
    id: id(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    reviewerId: integer("reviewer_id").references(() => users.id, { onDelete: "set null" }),
    rating: integer("rating").notNull(),
    headline: text("headline").notNull(),
    summary: text("summary").notNull().default(""),
    criteria: jsonb("criteria")
      .$type<{ name: string; score: number; note?: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    status: text("status", { enum: REVIEW_STATUSES }).notNull().default("draft"),
    publishedAt: timestampMs("published_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("editor_reviews_article_unique").on(t.articleId),
    check("editor_reviews_rating_check", sql`${t.rating} between 1 and 5`),
    check("editor_reviews_status_check", sql`${t.status} in ('draft','published')`),
  ],
);

export const comments = pgTable(
  "comments",
  {
    id: id(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    parentId: integer("parent_id").references((): AnyPgColumn => comments.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    authorName: text("author_name").notNull(),
    authorEmail: text("author_email").notNull().default(""),
    authorUrl: text("author_url").notNull().default(""),
    content: text("content").notNull(),
    status: text("status", { enum: COMMENT_STATUSES }).notNull().default("pending"),
    statusReason: text("status_reason"),
    ip: text("ip").notNull().default(""),
    ipKey: text("ip_key").notNull().default(""),
    userAgent: text("user_agent").notNull().default(""),
    referrer: text("referrer").notNull().default(""),
    spamCheckState: text("spam_check_state", { enum: SPAM_CHECK_STATES }).notNull().default("skipped"),
    blatant: boolean("blatant").notNull().default(false),
    spamCheck: jsonb("spam_check").$type<SpamCheckRecord>(),
    spamCheckAttempts: integer("spam_check_attempts").notNull().default(0),
    nextSpamCheckAt: timestampMs("next_spam_check_at"),
    checkLeaseOwner: text("check_lease_owner"),
    checkLeaseUntil: timestampMs("check_lease_until"),
    /** The author asked to be mailed replies to this comment once they are approved (lib/mail). */
    notifyReplies: boolean("notify_replies").notNull().default(false),
    /**
     * The author asked for replies by mail and the address is not confirmed
     * yet: once the comment is approved, a confirmation message is sent, and
     * its link sets notify_replies (double opt-in: nobody can sign someone
     * else's address up). Null once confirmed, or when not asked.
     */
    notifyRequestedAt: timestampMs("notify_requested_at"),
    /** When the author last edited the text (within the edit window), or null. */
    editedAt: timestampMs("edited_at"),
    /**
     * A hash (SHA-256) of the signed form token the comment was posted with, or
     * null (posted without a valid one, or imported). Posting again with the
     * same token, text, article, parent and author answers with this comment
     * instead of refusing it as a duplicate: a retry after an answer lost on
     * the way (the connection dropped during COMMIT) is not a second post
     * (lib/comments/submit.ts).
     */
    formTokenHash: text("form_token_hash"),
    /**
     * How many signed-in readers respect it (comment_respects): kept by that
     * table's triggers, in the same transaction, so it is exact under any
     * number of presses at once. Changing it writes no page change of its own
     * kind (the page cache expires counts lazily, lib/cache/invalidation.ts).
     */
    respectCount: integer("respect_count").notNull().default(0),
    /**
     * Reader reports not yet reviewed by a moderator (comment_reports with no
     * closed_at): kept by that table's triggers in the same transaction, so
     * the hold at `reportsToHold` happens exactly once however many reports
     * arrive at once, and the Reported queue reads one index.
     */
    openReportCount: integer("open_report_count").notNull().default(0),
    /** Featured by a moderator (Featured comments), and by whom. */
    featuredAt: timestampMs("featured_at"),
    featuredBy: integer("featured_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [
    index("comments_article_status_parent_created_idx").on(t.articleId, t.status, t.parentId, t.createdAt, t.id),
    // The thread sorted by "Most respected": an article's approved top-level comments by
    // respect, then oldest first. Partial, so the order comes from the index on both stores
    // (PostgreSQL takes no order from an index after a `parent_id is null` condition).
    index("comments_article_respect_top_idx")
      .on(t.articleId, sql`${t.respectCount} desc`, t.createdAt, t.id)
      .where(sql`${t.status} = 'approved' and ${t.parentId} is null`),
    index("comments_status_created_idx").on(t.status, t.createdAt, t.id, t.statusReason),
    index("comments_article_status_created_idx").on(t.articleId, t.status, t.createdAt, t.id),
    index("comments_parent_idx").on(t.parentId),
    index("comments_ip_created_idx").on(t.ip, t.createdAt),
    index("comments_ip_key_created_idx").on(t.ipKey, t.createdAt),
    // With the status: a commenter's counts per status and recent rejected share read only the index.
    index("comments_email_created_idx").on(t.authorEmail, t.createdAt, t.status),
    index("comments_user_created_idx").on(t.userId, t.createdAt, t.status),
    // A commenter's own data (download, erase) by email, whatever its case.
    index("comments_email_lower_idx").on(sql`lower(${t.authorEmail})`),
    // The Reported queue: published comments with open reports, most reported first.
    index("comments_reported_idx")
      .on(sql`${t.openReportCount} desc`, t.id)
      .where(sql`${t.status} = 'approved' and ${t.openReportCount} > 0`),
    // An article's featured comments (the Featured comments section).
    index("comments_article_featured_idx")
      .on(t.articleId, t.featuredAt)
      .where(sql`${t.featuredAt} is not null`),
    // The retry job's work list.
    index("comments_recheck_idx")
      .on(t.nextSpamCheckAt, t.status)
      .where(sql`${t.spamCheckState} = 'not_checked'`),
    // The moderation search (SQLite: the FTS5 trigram table of migration 0005):
    // substring matches of 3+ characters over text, name and email.
    index("comments_search_trgm_idx").using(
      "gin",
      sql`(${t.content} || ' ' || ${t.authorName} || ' ' || ${t.authorEmail}) gin_trgm_ops`,
    ),
    check("comments_status_check", sql`${t.status} in ('pending','approved','spam','trash')`),
  ],
);

export const commentEvents = pgTable(
  "comment_events",
  {
    id: id(),
    commentId: integer("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    fromStatus: text("from_status", { enum: COMMENT_STATUSES }),
    toStatus: text("to_status", { enum: COMMENT_STATUSES }),
    message: text("message").notNull().default(""),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [
    index("comment_events_comment_idx").on(t.commentId, t.createdAt),
    index("comment_events_type_created_idx").on(t.type, t.createdAt),
  ],
);

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: timestampMs("updated_at").notNull().default(now),
});

export const akismetOutbox = pgTable(
  "akismet_outbox",
  {
    id: id(),
    commentId: integer("comment_id").references(() => comments.id, { onDelete: "set null" }),
    kind: text("kind", { enum: FEEDBACK_KINDS }).notNull(),
    params: jsonb("params").$type<Record<string, string>>().notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestampMs("next_attempt_at").notNull().default(now),
    lastError: text("last_error"),
    sentAt: timestampMs("sent_at"),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestampMs("lease_until"),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [
    index("akismet_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.state} = 'pending'`),
    index("akismet_outbox_comment_idx").on(t.commentId),
  ],
);

export const jobRuns = pgTable(
  "job_runs",
  {
    id: id(),
    job: text("job").notNull(),
    startedAt: timestampMs("started_at").notNull(),
    finishedAt: timestampMs("finished_at"),
    summary: jsonb("summary").$type<Record<string, unknown>>(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    heartbeatAt: timestampMs("heartbeat_at"),
  },
  (t) => [
    index("job_runs_job_idx").on(t.job, t.startedAt),
    uniqueIndex("job_runs_one_running_idx")
      .on(t.job)
      .where(sql`${t.finishedAt} is null`),
  ],
);

export const articleRevisions = pgTable(
  "article_revisions",
  {
    id: id(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    body: text("body").notNull().default(""),
    savedBy: integer("saved_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [index("article_revisions_article_idx").on(t.articleId, t.id)],
);

export const articleEvents = pgTable(
  "article_events",
  {
    id: id(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    type: text("type", { enum: ARTICLE_EVENT_TYPES }).notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    fromStatus: text("from_status", { enum: ARTICLE_STATUSES }),
    toStatus: text("to_status", { enum: ARTICLE_STATUSES }),
    note: text("note"),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [index("article_events_article_idx").on(t.articleId, t.createdAt)],
);

export const articleSlugs = pgTable("article_slugs", {
  slug: text("slug").primaryKey(),
  articleId: integer("article_id")
    .notNull()
    .references(() => articles.id, { onDelete: "cascade" }),
  createdAt: timestampMs("created_at").notNull().default(now),
});

export const revokedSessions = pgTable(
  "revoked_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestampMs("expires_at").notNull(),
  },
  (t) => [index("revoked_sessions_expires_idx").on(t.expiresAt)],
);

export const pageChanges = pgTable(
  "page_changes",
  {
    id: id(),
    tag: text("tag").notNull(),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [index("page_changes_created_idx").on(t.createdAt)],
);

export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    points: integer("points").notNull().default(0),
    expire: timestampMs("expire"),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);

export const serverSecrets = pgTable("server_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestampMs("created_at").notNull().default(now),
});

/**
 * Mail waiting to go out through SMTP_URL (lib/mail): written in the
 * transaction that makes it due (a reply approved, a digest period over, a
 * data link asked for), sent in the background with retries. `dedupe_key` is
 * unique, so a message is queued once however many runners or retries want
 * it; a runner claims a row before it talks to the SMTP server.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: id(),
    kind: text("kind", { enum: MAIL_KINDS }).notNull(),
    /** e.g. "reply:<reply id>:<parent id>", "digest:<user id>:<period start>". */
    dedupeKey: text("dedupe_key").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post, …). */
    headers: jsonb("headers").$type<Record<string, string>>().notNull(),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestampMs("next_attempt_at").notNull().default(now),
    lastError: text("last_error"),
    sentAt: timestampMs("sent_at"),
    /** The SMTP server's answer on acceptance (its queue id). */
    smtpResponse: text("smtp_response"),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestampMs("lease_until"),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("mail_outbox_dedupe_unique").on(t.dedupeKey),
    index("mail_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.state} = 'pending'`),
    // Erasing a commenter's data takes the mail addressed to them too.
    index("mail_outbox_to_idx").on(sql`lower(${t.toAddress})`),
    index("mail_outbox_created_idx").on(t.createdAt),
  ],
);

/**
 * Rows brought in by `npm run import:wxr` (and the Disqus import): the id a
 * post, comment or author had in the file, and the row it became. A second
 * run finds its rows here and changes nothing; a row deleted since is not
 * brought back. No foreign key: the mapping outlives a deleted row.
 */
export const importIds = pgTable(
  "import_ids",
  {
    id: id(),
    /** Where the file came from: "wxr:<site URL>" or "disqus:<forum>". */
    source: text("source").notNull(),
    kind: text("kind", { enum: IMPORT_KINDS }).notNull(),
    externalId: text("external_id").notNull(),
    localId: integer("local_id").notNull(),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("import_ids_external_unique").on(t.source, t.kind, t.externalId)],
);

/**
 * The audit log of personal-data erasures: when, through which door, who
 * did it when it was an admin, and how many rows went. It keeps nothing about
 * the person whose data was erased (no email, no hash of it, no comment ids).
 */
export const erasures = pgTable(
  "erasures",
  {
    id: id(),
    via: text("via", { enum: ERASURE_VIAS }).notNull(),
    /** The admin who erased, for "admin"; null otherwise. */
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    commentsErased: integer("comments_erased").notNull(),
    mailsErased: integer("mails_erased").notNull(),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [
    index("erasures_created_idx").on(t.createdAt),
    check("erasures_via_check", sql`${t.via} in ('account','email_link','admin')`),
  ],
);

/**
 * One row per signed-in reader who respects a published comment (Respect,
 * lib/comments/respect.ts). Its triggers keep comments.respect_count and log
 * a `respects:<article>` page change (migration 0010).
 */
export const commentRespects = pgTable(
  "comment_respects",
  {
    id: id(),
    commentId: integer("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [
    // Once per reader and comment, whatever arrives at once.
    uniqueIndex("comment_respects_comment_user_idx").on(t.commentId, t.userId),
    // Which comments of an article one reader respects (their page, the personal request).
    index("comment_respects_user_comment_idx").on(t.userId, t.commentId),
  ],
);

/**
 * Reader reports (lib/community/reports.ts): one per account and comment (a
 * unique index, whatever arrives at once). A report is open until a
 * moderator decides on the comment (closed_at). Its triggers keep
 * comments.open_report_count (migration 0019 / pg 0011).
 */
export const commentReports = pgTable(
  "comment_reports",
  {
    id: id(),
    commentId: integer("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: REPORT_REASONS }).notNull(),
    /** The reader's optional note, plain text, at most 500 characters. */
    note: text("note").notNull().default(""),
    createdAt: timestampMs("created_at").notNull().default(now),
    /** When a moderator's decision on the comment reviewed this report (null: open). */
    closedAt: timestampMs("closed_at"),
    closedBy: integer("closed_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("comment_reports_comment_user_idx").on(t.commentId, t.userId),
    // The hourly limit per account, and what an account reported.
    index("comment_reports_user_created_idx").on(t.userId, t.createdAt),
    check("comment_reports_reason_check", sql`${t.reason} in ('offensive','abusive','spam','off_topic','other')`),
  ],
);

/**
 * Moderators' notes on a commenter: an account (user_id) or a guest's email
 * address (email, lowercased). Seen by moderators and admins only.
 */
export const commenterNotes = pgTable(
  "commenter_notes",
  {
    id: id(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email"),
    authorId: integer("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [
    index("commenter_notes_user_idx").on(t.userId, t.createdAt),
    index("commenter_notes_email_idx").on(t.email, t.createdAt),
    check("commenter_notes_subject_check", sql`${t.userId} is not null or ${t.email} is not null`),
  ],
);

/**
 * A commenter's history: role changes, bans, suspensions, name changes,
 * pre-moderation, with who and when (the commenter page).
 */
export const commenterEvents = pgTable(
  "commenter_events",
  {
    id: id(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email"),
    type: text("type", { enum: COMMENTER_EVENT_TYPES }).notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    message: text("message").notNull().default(""),
    createdAt: timestampMs("created_at").notNull().default(now),
  },
  (t) => [
    index("commenter_events_user_idx").on(t.userId, t.createdAt),
    index("commenter_events_email_idx").on(t.email, t.createdAt),
    check("commenter_events_subject_check", sql`${t.userId} is not null or ${t.email} is not null`),
  ],
);

/** Guest email addresses (lowercased) whose every new comment is held ("Always pre-moderate"). */
export const premoderatedAddresses = pgTable("premoderated_addresses", {
  email: text("email").primaryKey(),
  actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestampMs("created_at").notNull().default(now),
});

/**
 * Links mailed for an account (lib/accounts/tokens.ts): only a SHA-256 hash
 * of the token is kept; a link works once (`used_at`) and until `expires_at`,
 * and only while the account still has the address it was sent for (`email`:
 * the account's address for a reset or a verification, the new address for a
 * change, the old one for its undo).
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ACCOUNT_TOKEN_KINDS }).notNull(),
    tokenHash: text("token_hash").notNull(),
    email: text("email").notNull(),
    /** email_change and email_undo: the address the account had when the change was asked. */
    previousEmail: text("previous_email"),
    createdAt: timestampMs("created_at").notNull().default(now),
    expiresAt: timestampMs("expires_at").notNull(),
    usedAt: timestampMs("used_at"),
  },
  (t) => [
    uniqueIndex("account_tokens_hash_idx").on(t.tokenHash),
    index("account_tokens_user_kind_idx").on(t.userId, t.kind, t.createdAt),
    check("account_tokens_kind_check", sql`${t.kind} in ('password_reset','email_verification','email_change','email_undo')`),
  ],
);

/**
 * Single sign-on: the OpenID Connect identities (issuer and subject) tied to
 * an account (lib/accounts/sign-on.ts). One account may have several; an
 * identity belongs to one account.
 */
export const userIdentities = pgTable(
  "user_identities",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    /** The address the provider gave at the last sign-in (shown on /account). */
    email: text("email").notNull().default(""),
    /** Whether the provider vouched for that address (`email_verified: true`) when the identity was tied to the account. */
    emailVerified: boolean("email_verified").notNull().default(false),
    createdAt: timestampMs("created_at").notNull().default(now),
    lastUsedAt: timestampMs("last_used_at"),
  },
  (t) => [uniqueIndex("user_identities_issuer_subject_idx").on(t.issuer, t.subject), index("user_identities_user_idx").on(t.userId)],
);
