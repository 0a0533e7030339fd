import { z } from "zod";
import { hasNul, nulMessage } from "@/lib/text/storable";

/**
 * Every setting of the site, with its default. Stored one JSON value per key
 * in the `settings` table; a missing or invalid stored value falls back to
 * the default, so adding a setting needs no migration.
 */
/** A list entry PostgreSQL can store (no NUL). */
const storableString = z.string().refine((v) => !hasNul(v), nulMessage("An entry"));

export const settingsSchema = z.object({
  /** Deepest reply level shown and accepted (1 = no replies). */
  threadDepth: z.number().int().min(1).max(10).default(5),
  /** Top-level comments per page of a thread. */
  commentsPerPage: z.number().int().min(5).max(500).default(50),
  /** A form submitted sooner than this after it was rendered is held. */
  minSubmitSeconds: z.number().min(0).max(600).default(3),
  /** Another comment from the same IP or email within this window is refused. */
  floodSeconds: z.number().min(0).max(3600).default(15),
  /** Block lists: a match sends the comment to spam. */
  blockWords: z.array(storableString).default([]),
  blockEmails: z.array(storableString).default([]),
  blockIps: z.array(storableString).default([]),
  /** Hold rules: a match holds the comment for moderation. */
  holdWords: z.array(storableString).default([]),
  /** More links than this holds a comment. */
  linkLimit: z.number().int().min(0).max(100).default(2),
  /**
   * Before trustMinApproved: hold a commenter's first comment. Still read (a
   * stored true counts as trustMinApproved 1, lib/settings/index.ts); the
   * settings form now saves trustMinApproved.
   */
  holdFirstTime: z.boolean().default(false),
  /** Trust rules (lib/spam/verdict.ts): hold comments from commenters with fewer approved comments than this (0: off). */
  trustMinApproved: z.number().int().min(0).max(1000).default(0),
  /** Hold comments from commenters whose comments of the last trustRejectedDays days were rejected at least trustRejectedPercent% of the time. */
  trustRejectedHold: z.boolean().default(false),
  trustRejectedPercent: z.number().int().min(1).max(100).default(30),
  trustRejectedDays: z.number().int().min(1).max(365).default(7),
  /** Reader reports: hold a published comment once this many different accounts reported it (0: never). */
  reportsToHold: z.number().int().min(0).max(1000).default(3),
  /** Reports one account may send in an hour. */
  reportsPerHour: z.number().int().min(1).max(10_000).default(20),
  /**
   * Reader accounts: hold the comments of an account whose address is not
   * verified yet ("Email not verified"). Applies only while mail is
   * configured (without mail no address can be verified).
   */
  requireVerifiedEmail: z.boolean().default(true),
  /** Account mail (reset links, verification links, new addresses) one address may be sent in an hour. */
  accountMailPerAddressPerHour: z.number().int().min(1).max(1000).default(3),
  /** Account mail one account may ask for in an hour (resends, address changes). */
  accountMailPerAccountPerHour: z.number().int().min(1).max(1000).default(5),
  /** Account forms (reset, password and address changes) one network may send in an hour. */
  accountFormsPerNetworkPerHour: z.number().int().min(1).max(10_000).default(30),
  /** Akismet comment-check timeout. */
  akismetTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
  /** First retry of a comment Akismet could not check; later retries back off. */
  akismetRetryMinutes: z.number().min(0).max(1440).default(20),
  /** How often the server's Akismet jobs (re-checks, feedback reports) look for due work. */
  akismetJobIntervalSeconds: z.number().int().min(1).max(3600).default(60),
  /** Comments older than this are no longer re-checked. */
  akismetRetryMaxDays: z.number().min(1).max(90).default(15),
  /** The order of a thread's top-level comments unless the reader picks the other (replies stay oldest first under their parent). */
  commentOrder: z.enum(["oldest", "newest"]).default("oldest"),
  /** A commenter may edit their comment for this many minutes after posting it (0: never). */
  commentEditMinutes: z.number().int().min(0).max(1440).default(10),
  /** Close comments on an article this many days after it was published (0: never). */
  commentsAutoCloseDays: z.number().int().min(0).max(3650).default(0),
  /** Retention: spam is deleted after this many days (blatant spam sooner), trash after its own. */
  spamRetentionDays: z.number().int().min(1).max(3650).default(15),
  blatantSpamRetentionDays: z.number().int().min(0).max(3650).default(1),
  trashRetentionDays: z.number().int().min(1).max(3650).default(30),
  /**
   * Failed sign-ins allowed within the window below: per account from one IP
   * (strict: someone guessing from their address does not lock the owner out
   * of theirs), per account from all IPs (a ceiling), and per IP.
   */
  signInMaxPerAccountAndIp: z.number().int().min(1).max(1000).default(5),
  signInMaxPerAccountAllIps: z.number().int().min(1).max(100_000).default(100),
  signInMaxPerIp: z.number().int().min(1).max(10_000).default(20),
  signInWindowMinutes: z.number().min(1).max(1440).default(15),
  /**
   * Live threads: open pages one client address (an IPv6 /64 counts as one) may
   * follow at once on an instance (0: no limit). A browser opens one per tab;
   * many readers may share an address behind a carrier's NAT.
   */
  liveStreamsPerAddress: z.number().int().min(0).max(100_000).default(100),
  /** Accounts an IP may try to create (/register and /setup) within the window below. */
  registrationsMaxPerIp: z.number().int().min(1).max(10_000).default(5),
  registrationWindowMinutes: z.number().min(1).max(10_080).default(60),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});
