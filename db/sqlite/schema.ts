/**
 * The whole data model of the platform on SQLite. Later features extend these
 * tables through new migrations (`npm run db:generate`); they do not redo
 * them. db/pg/schema.ts is the same model on PostgreSQL, table for table and
 * index for index (tests/integration/schema-parity.test.ts keeps them in step).
 *
 * Times are stored as integer milliseconds since the epoch (UTC).
 */
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";
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

const now = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;

const timestamps = {
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
};

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    role: text("role", { enum: USER_ROLES }).notNull().default("reader"),
    banned: integer("banned", { mode: "boolean" }).notNull().default(false),
    /** Bumped when a password, role or ban changes: older session tokens stop working. */
    sessionVersion: integer("session_version").notNull().default(0),
    lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }),
    /** Moderators: how often to be mailed the comments newly held for moderation. */
    heldDigest: text("held_digest", { enum: HELD_DIGESTS }).notNull().default("off"),
    /** Suspended (lib/community/suspensions.ts) until this time: no posting, editing, reporting or respecting; null: not suspended. */
    suspendedUntil: integer("suspended_until", { mode: "timestamp_ms" }),
    /** The moderator's message the suspended reader sees (plain text). */
    suspensionMessage: text("suspension_message").notNull().default(""),
    /** "Always pre-moderate": every new comment of the account is held (lib/spam/verdict.ts). */
    premoderate: integer("premoderate", { mode: "boolean" }).notNull().default(false),
    /** When the address was shown to be the account's (a mailed link opened, an admin or a provider vouching); null: not verified. */
    emailVerifiedAt: integer("email_verified_at", { mode: "timestamp_ms" }),
    /** When the reader last changed their display name (once a day). */
    nameChangedAt: integer("name_changed_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_unique").on(sql`lower(${t.email})`),
    check("users_role_check", sql`${t.role} in ('reader','editor','moderator','admin')`),
  ],
);

export const articles = sqliteTable(
  "articles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    /** Markdown source; rendered and sanitized on the way out. */
    body: text("body").notNull().default(""),
    heroImageUrl: text("hero_image_url"),
    heroImageAlt: text("hero_image_alt"),
    heroImageCaption: text("hero_image_caption"),
    heroImageCredit: text("hero_image_credit"),
    source: text("source"),
    authorId: integer("author_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: ARTICLE_STATUSES }).notNull().default("draft"),
    commentsOpen: integer("comments_open", { mode: "boolean" }).notNull().default(true),
    /** Comments close automatically at this time (null: never). */
    commentsCloseAt: integer("comments_close_at", { mode: "timestamp_ms" }),
    /** Comments opened by hand ("Open comments"): the site's auto-close by age does not close them again. */
    commentsKeepOpen: integer("comments_keep_open", { mode: "boolean" }).notNull().default(false),
    /** Per-article pre-moderation: hold every new comment, or those with a link (lib/spam/verdict.ts). */
    premoderateAll: integer("premoderate_all", { mode: "boolean" }).notNull().default(false),
    premoderateLinks: integer("premoderate_links", { mode: "boolean" }).notNull().default(false),
    /** Plain text shown above the comments (at most 500 characters). */
    commentsMessage: text("comments_message").notNull().default(""),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }),
    /** Bumped by every save of the editor's form: a save from an older version is refused. */
    version: integer("version").notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("articles_slug_unique").on(t.slug),
    index("articles_status_published_idx").on(t.status, t.publishedAt),
    check("articles_status_check", sql`${t.status} in ('draft','in_review','published')`),
  ],
);

export const editorReviews = sqliteTable(
  "editor_reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    reviewerId: integer("reviewer_id").references(() => users.id, { onDelete: "set null" }),
    /** Overall rating, 1 to 5 stars. */
    rating: integer("rating").notNull(),
    headline: text("headline").notNull(),
    summary: text("summary").notNull().default(""),
    /** JSON: [{ name, score (1-5), note }] */
    criteria: text("criteria", { mode: "json" })
      .$type<{ name: string; score: number; note?: string }[]>()
      .notNull()
      .default(sql`'[]'`),
    status: text("status", { enum: REVIEW_STATUSES }).notNull().default("draft"),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("editor_reviews_article_unique").on(t.articleId),
    check("editor_reviews_rating_check", sql`${t.rating} between 1 and 5`),
    check("editor_reviews_status_check", sql`${t.status} in ('draft','published')`),
  ],
);

export const comments = sqliteTable(
  "comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    /**
     * The comment this one replies to. Deleting a comment never takes its
     * replies with it: they move up to its parent first (lib/comments/removal.ts,
     * and a BEFORE DELETE trigger as a safety net; decision 010). The cascade
     * below therefore never finds a child.
     */
    parentId: integer("parent_id").references((): AnySQLiteColumn => comments.id, {
      onDelete: "cascade",
    }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    authorName: text("author_name").notNull(),
    authorEmail: text("author_email").notNull().default(""),
    authorUrl: text("author_url").notNull().default(""),
    content: text("content").notNull(),
    status: text("status", { enum: COMMENT_STATUSES }).notNull().default("pending"),
    /** Plain-words reason the comment is in its current queue ("Held: 3 links"). */
    statusReason: text("status_reason"),
    ip: text("ip").notNull().default(""),
    /**
     * What flood control counts a comment under (lib/http/address-key.ts): the
     * IPv4 address, or the /64 an IPv6 address is in (a client can pick a new
     * address from its /64 for every post).
     */
    ipKey: text("ip_key").notNull().default(""),
    userAgent: text("user_agent").notNull().default(""),
    referrer: text("referrer").notNull().default(""),
    spamCheckState: text("spam_check_state", { enum: SPAM_CHECK_STATES })
      .notNull()
      .default("skipped"),
    /** Akismet's pro-tip said "discard": blatant spam, short retention, never shown. */
    blatant: integer("blatant", { mode: "boolean" }).notNull().default(false),
    spamCheck: text("spam_check", { mode: "json" }).$type<SpamCheckRecord>(),
    spamCheckAttempts: integer("spam_check_attempts").notNull().default(0),
    nextSpamCheckAt: integer("next_spam_check_at", { mode: "timestamp_ms" }),
    /**
     * Who is asking Akismet about this comment right now, and until when: a
     * runner (the pipeline, the retry job, Check for spam) claims the row in a
     * transaction before its HTTP call, so no two runners check one comment.
     */
    checkLeaseOwner: text("check_lease_owner"),
    checkLeaseUntil: integer("check_lease_until", { mode: "timestamp_ms" }),
    /** The author asked to be mailed replies to this comment once they are approved (lib/mail). */
    notifyReplies: integer("notify_replies", { mode: "boolean" }).notNull().default(false),
    /**
     * The author asked for replies by mail and the address is not confirmed
     * yet: once the comment is approved, a confirmation message is sent, and
     * its link sets notify_replies (double opt-in: nobody can sign someone
     * else's address up). Null once confirmed, or when not asked.
     */
    notifyRequestedAt: integer("notify_requested_at", { mode: "timestamp_ms" }),
    /** When the author last edited the text (within the edit window), or null. */
    editedAt: integer("edited_at", { mode: "timestamp_ms" }),
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
    featuredAt: integer("featured_at", { mode: "timestamp_ms" }),
    featuredBy: integer("featured_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [
    // An article's approved thread: top-level comments oldest first (parent_id
    // IS NULL), counts by status, and the page a comment is on.
    index("comments_article_status_parent_created_idx").on(t.articleId, t.status, t.parentId, t.createdAt, t.id),
    // The thread sorted by "Most respected": an article's approved top-level comments by
    // respect, then oldest first. Partial, so the order comes from the index on both stores
    // (PostgreSQL takes no order from an index after a `parent_id is null` condition).
    index("comments_article_respect_top_idx")
      .on(t.articleId, sql`${t.respectCount} desc`, t.createdAt, t.id)
      .where(sql`${t.status} = 'approved' and ${t.parentId} is null`),
    // Moderation queues by status, newest first.
    // Queues: newest first per status; the reason rides along so the "why"
    // filter and the counts never touch the table.
    index("comments_status_created_idx").on(t.status, t.createdAt, t.id, t.statusReason),
    // A moderation queue filtered by article, newest first.
    index("comments_article_status_created_idx").on(t.articleId, t.status, t.createdAt, t.id),
    // Replies of a comment.
    index("comments_parent_idx").on(t.parentId),
    // Flood control (per address key), duplicate detection and "approved
    // before" (by email or account); the moderation search by exact IP.
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
    // The retry job's queue; with the status, the panel's count reads only the index.
    index("comments_recheck_idx")
      .on(t.nextSpamCheckAt, t.status)
      .where(sql`${t.spamCheckState} = 'not_checked'`),
    check(
      "comments_status_check",
      sql`${t.status} in ('pending','approved','spam','trash')`,
    ),
  ],
);

/** Every check, retry and moderator action on a comment, with who and when. */
export const commentEvents = sqliteTable(
  "comment_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commentId: integer("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    /** e.g. "submitted", "defence", "akismet_check", "akismet_error", "status_change", "akismet_feedback" */
    type: text("type").notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    fromStatus: text("from_status", { enum: COMMENT_STATUSES }),
    toStatus: text("to_status", { enum: COMMENT_STATUSES }),
    message: text("message").notNull().default(""),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [
    index("comment_events_comment_idx").on(t.commentId, t.createdAt),
    // Spam statistics read a month of events by type.
    index("comment_events_type_created_idx").on(t.type, t.createdAt),
  ],
);

/** Site, moderation and Akismet settings: one JSON value per key. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).$type<unknown>().notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/**
 * Durable outbox of Akismet feedback (submit-spam / submit-ham) from
 * moderator corrections: written in the moderator's transaction, sent in the
 * background with retries, the result recorded in the comment's history.
 */
export const akismetOutbox = sqliteTable(
  "akismet_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commentId: integer("comment_id").references(() => comments.id, { onDelete: "set null" }),
    kind: text("kind", { enum: FEEDBACK_KINDS }).notNull(),
    /** The parameters first sent with comment-check (without the key). */
    params: text("params", { mode: "json" }).$type<Record<string, string>>().notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull().default(now),
    lastError: text("last_error"),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    /** The runner sending this report now, and until when (claimed before the HTTP call). */
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [
    index("akismet_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.state} = 'pending'`),
    index("akismet_outbox_comment_idx").on(t.commentId),
  ],
);

/**
 * One row per run of a background job (retention, emptying a queue, a
 * queue-wide spam check), with what it did. A run in progress has no
 * `finished_at`; at most one run of each job is in progress (a partial unique
 * index), and its `heartbeat_at` says it is still alive: a run whose
 * heartbeat stopped (the process died) is closed by the next one to start.
 */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    job: text("job").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    summary: text("summary", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Who started it (a moderator), or null for a scheduled run. */
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    heartbeatAt: integer("heartbeat_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("job_runs_job_idx").on(t.job, t.startedAt),
    uniqueIndex("job_runs_one_running_idx")
      .on(t.job)
      .where(sql`${t.finishedAt} is null`),
  ],
);

/** Earlier versions of an article, one per save (the editor keeps at least the last 20). */
export const articleRevisions = sqliteTable(
  "article_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    body: text("body").notNull().default(""),
    savedBy: integer("saved_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("article_revisions_article_idx").on(t.articleId, t.id)],
);

/** The article's workflow history: every step with who and when (and a note for "Send back"). */
export const articleEvents = sqliteTable(
  "article_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    type: text("type", { enum: ARTICLE_EVENT_TYPES }).notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    fromStatus: text("from_status", { enum: ARTICLE_STATUSES }),
    toStatus: text("to_status", { enum: ARTICLE_STATUSES }),
    note: text("note"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("article_events_article_idx").on(t.articleId, t.createdAt)],
);

/** Slugs an article was published under before: their URLs redirect to the current one. */
export const articleSlugs = sqliteTable("article_slugs", {
  slug: text("slug").primaryKey(),
  articleId: integer("article_id")
    .notNull()
    .references(() => articles.id, { onDelete: "cascade" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/**
 * Sessions ended by "Sign out" before their token expired: the session id
 * (the `sid` claim every session token gets at sign-in) is refused until
 * `expires_at`, when no token carrying it can still be valid; then the row is
 * pruned. ("Sign out everywhere" bumps users.session_version instead.)
 */
export const revokedSessions = sqliteTable(
  "revoked_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("revoked_sessions_expires_idx").on(t.expiresAt)],
);

/**
 * The page cache's change log: each row names a cache tag (lib/cache/pages.ts)
 * whose pages changed. Written only by triggers (migration 0011) on the
 * tables that pages show, so no write path can forget it; read by every
 * server instance, which expires those tags in its own cache
 * (lib/cache/invalidation.ts). Rows are pruned after a few minutes.
 */
export const pageChanges = sqliteTable(
  "page_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tag: text("tag").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("page_changes_created_idx").on(t.createdAt)],
);

/**
 * Attempt counters of the sign-in and registration limits
 * (rate-limiter-flexible's Drizzle store; lib/auth/rate-limit.ts): in the
 * database, so every app instance counts against the same limit. `expire`
 * ends the window; expired rows are deleted by the limiter.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    points: integer("points").notNull().default(0),
    expire: integer("expire", { mode: "timestamp_ms" }),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);

/**
 * Secrets the app generates for itself when none is configured: the session
 * signing secret when NEXTAUTH_SECRET is unset (lib/auth/secret.ts). In the
 * database, so every instance on it signs with the same one and a site moved
 * with `npm run db:copy` keeps its sessions.
 */
export const serverSecrets = sqliteTable("server_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/**
 * Mail waiting to go out through SMTP_URL (lib/mail): written in the
 * transaction that makes it due (a reply approved, a digest period over, a
 * data link asked for), sent in the background with retries. `dedupe_key` is
 * unique, so a message is queued once however many runners or retries want
 * it; a runner claims a row before it talks to the SMTP server.
 */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: MAIL_KINDS }).notNull(),
    /** e.g. "reply:<reply id>:<parent id>", "digest:<user id>:<period start>". */
    dedupeKey: text("dedupe_key").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post, …). */
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull().default(now),
    lastError: text("last_error"),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    /** The SMTP server's answer on acceptance (its queue id). */
    smtpResponse: text("smtp_response"),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
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
export const importIds = sqliteTable(
  "import_ids",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Where the file came from: "wxr:<site URL>" or "disqus:<forum>". */
    source: text("source").notNull(),
    kind: text("kind", { enum: IMPORT_KINDS }).notNull(),
    externalId: text("external_id").notNull(),
    localId: integer("local_id").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [uniqueIndex("import_ids_external_unique").on(t.source, t.kind, t.externalId)],
);

/**
 * The audit log of personal-data erasures: when, through which door, who
 * did it when it was an admin, and how many rows went. It keeps nothing about
 * the person whose data was erased (no email, no hash of it, no comment ids).
 */
export const erasures = sqliteTable(
  "erasures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    via: text("via", { enum: ERASURE_VIAS }).notNull(),
    /** The admin who erased, for "admin"; null otherwise. */
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    commentsErased: integer("comments_erased").notNull(),
    mailsErased: integer("mails_erased").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [
    index("erasures_created_idx").on(t.createdAt),
    check("erasures_via_check", sql`${t.via} in ('account','email_link','admin')`),
  ],
);

/**
 * One row per signed-in reader who respects a published comment (Respect,
 * lib/comments/respect.ts). Its triggers keep comments.respect_count and log
 * a `respects:<article>` page change (migration 0018).
 */
export const commentRespects = sqliteTable(
  "comment_respects",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commentId: integer("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
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
export const commentReports = sqliteTable(
  "comment_reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commentId: integer("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: REPORT_REASONS }).notNull(),
    /** The reader's optional note, plain text, at most 500 characters. */
    note: text("note").notNull().default(""),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** When a moderator's decision on the comment reviewed this report (null: open). */
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
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
export const commenterNotes = sqliteTable(
  "commenter_notes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email"),
    authorId: integer("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
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
export const commenterEvents = sqliteTable(
  "commenter_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email"),
    type: text("type", { enum: COMMENTER_EVENT_TYPES }).notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    message: text("message").notNull().default(""),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [
    index("commenter_events_user_idx").on(t.userId, t.createdAt),
    index("commenter_events_email_idx").on(t.email, t.createdAt),
    check("commenter_events_subject_check", sql`${t.userId} is not null or ${t.email} is not null`),
  ],
);

/** Guest email addresses (lowercased) whose every new comment is held ("Always pre-moderate"). */
export const premoderatedAddresses = sqliteTable("premoderated_addresses", {
  email: text("email").primaryKey(),
  actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/**
 * Links mailed for an account (lib/accounts/tokens.ts): only a SHA-256 hash
 * of the token is kept; a link works once (`used_at`) and until `expires_at`,
 * and only while the account still has the address it was sent for (`email`:
 * the account's address for a reset or a verification, the new address for a
 * change, the old one for its undo).
 */
export const accountTokens = sqliteTable(
  "account_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ACCOUNT_TOKEN_KINDS }).notNull(),
    tokenHash: text("token_hash").notNull(),
    email: text("email").notNull(),
    /** email_change and email_undo: the address the account had when the change was asked. */
    previousEmail: text("previous_email"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
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
export const userIdentities = sqliteTable(
  "user_identities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    /** The address the provider gave at the last sign-in (shown on /account). */
    email: text("email").notNull().default(""),
    /** Whether the provider vouched for that address (`email_verified: true`) when the identity was tied to the account. */
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("user_identities_issuer_subject_idx").on(t.issuer, t.subject), index("user_identities_user_idx").on(t.userId)],
);
