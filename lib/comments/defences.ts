import type { Settings } from "@/lib/settings/schema";
import { contentHolds, formTokenHold, type CommenterRecord, type HoldRule } from "@/lib/spam/verdict";
import type { FormTokenCheck } from "./form-token";
import { countLinks } from "./links";
import { findListedEmail, findListedIp, findListedWord } from "./matching";

/** One defence that fired, kept in the comment's history. */
export type DefenceEvent = { rule: DefenceRule; message: string };
/** The hold rules (form token, too fast, links, hold word, first time) are lib/spam/verdict.ts's. */
export type DefenceRule = "honeypot" | "block_word" | "block_email" | "block_ip" | HoldRule;

export type RefusalCode = "flood" | "duplicate" | "closed" | "expired";

export type DefenceResult =
  | { outcome: "refused"; code: RefusalCode; message: string }
  | { outcome: "spam"; reason: string; events: DefenceEvent[] }
  | { outcome: "hold" | "pass"; holds: string[]; events: DefenceEvent[] };

export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  flood: "You are posting comments too quickly. Please wait a few seconds and try again.",
  duplicate: "You have already posted this comment here.",
  closed: "Comments are closed on this article.",
  // The form (or the API's answer) brings a fresh token and keeps the text.
  expired: "This form has expired; your comment is below, post it again.",
};

export type DefenceInput = {
  now: Date;
  settings: Settings;
  article: ClosingArticle & { id: number; premoderateAll?: boolean; premoderateLinks?: boolean };
  author: {
    name: string;
    email: string;
    url: string;
    userId: number | null;
    trusted: boolean;
    /** An account whose address must be verified before its comments are published, and is not yet. */
    unverified?: boolean;
    /** For a guest's record (the trust rules): their network's address key, and the comments this browser posted. */
    ipKey?: string;
    ownIds?: readonly number[];
  };
  ip: string;
  content: string;
  honeypot: string;
  formToken: FormTokenCheck;
  /** Database questions (lib/comments/lookups.ts), asked only when a rule needs the answer. */
  lookups: {
    /** Another comment from this IP or email since the given time? */
    recentComment(ip: string, email: string, since: Date): Promise<boolean> | boolean;
    /** The same text by the same author on this article already? */
    duplicate(articleId: number, content: string, email: string, userId: number | null): Promise<boolean> | boolean;
    /**
     * The author's record for the trust rules: approved comments (counted up
     * to `enough`), and their comments since `since` with how many were
     * rejected (null: not asked).
     */
    commenterRecord(
      author: { email: string; userId: number | null; ipKey: string; ownIds: readonly number[] },
      since: Date | null,
      enough: number,
    ): Promise<CommenterRecord> | CommenterRecord;
    /** Is this account or guest address on "Always pre-moderate"? */
    premoderated(email: string, userId: number | null): Promise<boolean> | boolean;
  };
};

const DAY_MS = 24 * 60 * 60 * 1000;

type ClosingArticle = { commentsOpen: boolean; commentsCloseAt: Date | null; publishedAt?: Date | null; commentsKeepOpen?: boolean };

/** When the `commentsAutoCloseDays` setting closes an article's comments, if it does. */
function autoCloseAt(article: ClosingArticle, autoCloseDays: number): Date | null {
  // Opened again by hand ("Open comments"): the age no longer closes it.
  return autoCloseDays > 0 && !article.commentsKeepOpen && article.publishedAt ? new Date(article.publishedAt.getTime() + autoCloseDays * DAY_MS) : null;
}

/**
 * Whether an article takes comments at this moment: open, before its own
 * closing time, and (when `autoCloseDays` > 0, the `commentsAutoCloseDays`
 * setting) no more than that many days after it was published.
 */
export function commentsAreOpen(article: ClosingArticle, now: Date, autoCloseDays: number = 0): boolean {
  if (!article.commentsOpen) return false;
  if (article.commentsCloseAt && article.commentsCloseAt <= now) return false;
  const autoClose = autoCloseAt(article, autoCloseDays);
  return !(autoClose && now > autoClose);
}

/** The next moment comments close by themselves (their own time or the auto-close), or null. */
export function commentsCloseNext(article: ClosingArticle, now: Date, autoCloseDays: number = 0): Date | null {
  if (!commentsAreOpen(article, now, autoCloseDays)) return null;
  const times = [article.commentsCloseAt, autoCloseAt(article, autoCloseDays)].filter((d): d is Date => d !== null && d > now);
  return times.length > 0 ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
}

/**
 * The local defences, in order: honeypot, minimum time, flood, duplicate,
 * closed article, block lists, hold rules. Refusals store nothing; every other
 * outcome is stored with the events that fired. The hold rules themselves
 * (form token, minimum time, article and commenter pre-moderation, links,
 * hold words, trust rules) are decided in
 * lib/spam/verdict.ts from the facts gathered here.
 */
export async function runDefences(input: DefenceInput): Promise<DefenceResult> {
  const { settings, author, lookups } = input;
  const events: DefenceEvent[] = [];
  const holds: string[] = [];

  if (input.honeypot.trim() !== "") {
    const reason = "Honeypot: a hidden field was filled in";
    return { outcome: "spam", reason, events: [{ rule: "honeypot", message: reason }] };
  }

  if (!author.trusted) {
    // A genuine token older than its lifetime: refused (nothing stored), so
    // one fetched token cannot be replayed forever; the form keeps the text.
    if (!input.formToken.valid && input.formToken.reason === "expired") {
      return { outcome: "refused", code: "expired", message: REFUSAL_MESSAGES.expired };
    }
    const tokenHold = formTokenHold(input.formToken, settings.minSubmitSeconds);
    if (tokenHold) {
      events.push(tokenHold);
      holds.push(tokenHold.message);
    }

    if (settings.floodSeconds > 0) {
      const since = new Date(input.now.getTime() - settings.floodSeconds * 1000);
      if (await lookups.recentComment(input.ip, author.email, since)) {
        return { outcome: "refused", code: "flood", message: REFUSAL_MESSAGES.flood };
      }
    }
  }

  if (await lookups.duplicate(input.article.id, input.content, author.email, author.userId)) {
    return { outcome: "refused", code: "duplicate", message: REFUSAL_MESSAGES.duplicate };
  }

  if (!commentsAreOpen(input.article, input.now, settings.commentsAutoCloseDays)) {
    return { outcome: "refused", code: "closed", message: REFUSAL_MESSAGES.closed };
  }

  if (author.trusted) return { outcome: "pass", holds: [], events: [] };

  const word = findListedWord([input.content, author.name, author.url], settings.blockWords);
  if (word) {
    const reason = `Block list: word “${word}”`;
    return { outcome: "spam", reason, events: [...events, { rule: "block_word", message: reason }] };
  }
  const email = findListedEmail(author.email, settings.blockEmails);
  if (email) {
    const reason = `Block list: email (${email})`;
    return { outcome: "spam", reason, events: [...events, { rule: "block_email", message: reason }] };
  }
  const ip = findListedIp(input.ip, settings.blockIps);
  if (ip) {
    const reason = `Block list: IP (${ip})`;
    return { outcome: "spam", reason, events: [...events, { rule: "block_ip", message: reason }] };
  }

  for (const hold of await contentHolds({
    links: countLinks(input.content),
    linkLimit: settings.linkLimit,
    holdWord: findListedWord([input.content, author.name, author.url], settings.holdWords),
    article: { premoderateAll: input.article.premoderateAll ?? false, premoderateLinks: input.article.premoderateLinks ?? false },
    premoderatedCommenter: await lookups.premoderated(author.email, author.userId),
    unverifiedEmail: author.unverified === true,
    trust: settings,
    record: () =>
      lookups.commenterRecord(
        { email: author.email, userId: author.userId, ipKey: author.ipKey ?? "", ownIds: author.ownIds ?? [] },
        settings.trustRejectedHold ? new Date(input.now.getTime() - settings.trustRejectedDays * DAY_MS) : null,
        settings.trustMinApproved,
      ),
  })) {
    events.push(hold);
    holds.push(hold.message);
  }

  return { outcome: holds.length > 0 ? "hold" : "pass", holds, events };
}
