import type { CommentStatus, SpamCheckState } from "@/db/schema";

/** What an Akismet call came to. */
export type AkismetOutcome =
  | { kind: "ham"; guid: string | null }
  | { kind: "spam"; blatant: boolean; guid: string | null; proTip: string | null }
  | {
      kind: "error";
      error: string;
      debugHelp: string | null;
      invalidKey: boolean;
      retryAfterSeconds: number | null;
      guid: string | null;
    };

export type AkismetAnswer = { status: number; body: string; headers: Record<string, string | undefined> };

/**
 * Reads an Akismet HTTP answer. Verdicts come as 200 with `true`/`false`;
 * anything else (5xx, 429, `invalid`, X-akismet-error, an unexpected body)
 * means the comment was not checked.
 */
export function classifyAnswer(answer: AkismetAnswer): AkismetOutcome {
  const h = answer.headers;
  const guid = h["x-akismet-guid"] ?? null;
  const debugHelp = h["x-akismet-debug-help"] ?? null;
  const error = (message: string, extra: Partial<{ invalidKey: boolean; retryAfterSeconds: number | null }> = {}) =>
    ({
      kind: "error",
      error: message,
      debugHelp,
      invalidKey: extra.invalidKey ?? false,
      retryAfterSeconds: extra.retryAfterSeconds ?? null,
      guid,
    }) as const;

  if (answer.status === 429 || answer.status >= 500) {
    const retryAfter = Number(h["retry-after"]);
    return error(`Akismet answered HTTP ${answer.status}`, {
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    });
  }
  if (answer.status !== 200) return error(`Akismet answered HTTP ${answer.status}`);
  if (h["x-akismet-error"]) return error(`Akismet error: ${h["x-akismet-error"]}`);
  const body = answer.body.trim();
  if (body === "true") {
    const proTip = h["x-akismet-pro-tip"] ?? null;
    return { kind: "spam", blatant: proTip === "discard", guid, proTip };
  }
  if (body === "false") return { kind: "ham", guid };
  if (body === "invalid") {
    return error(debugHelp ? `Akismet: invalid (${debugHelp})` : "Akismet: invalid API key", {
      invalidKey: true,
    });
  }
  return error(`Akismet gave an unexpected answer: ${JSON.stringify(body.slice(0, 80))}`);
}

/*
 * Hold rules: every reason a comment waits for a moderator is decided in
 * this file: the form token, the content, the article's pre-moderation, the
 * commenter's standing and record (trust rules), and readers' reports. The
 * callers gather the facts (the form token, what was written, the author's
 * history, the reports) and store what comes out.
 */

/** The hold rules, by the name a comment's history keeps for them. */
export type HoldRule =
  | "form_token"
  | "too_fast"
  | "links"
  | "hold_word"
  | "first_time"
  | "few_approved"
  | "rejected_share"
  | "premoderated_commenter"
  | "premoderated_article"
  | "premoderated_links"
  | "reports"
  | "email_unverified";

/** The reason on a comment held because its account's address is not verified yet (the contract's words). */
export const EMAIL_NOT_VERIFIED = "Email not verified";

/** A hold rule that fired, with the reason stored on the comment. */
export type Hold = { rule: HoldRule; message: string };

/** A form token as the pipeline read it (lib/comments/form-token.ts). */
export type FormTokenFacts = { valid: true; ageSeconds: number } | { valid: false; reason: string };

/**
 * The form token's hold rules: a token that is not genuine (missing,
 * malformed, a bad signature, from the future), or a post sent sooner than
 * `minSubmitSeconds` after its token was issued. (An expired token is not
 * held but refused, by the local defences, before this is asked.)
 */
export function formTokenHold(token: FormTokenFacts, minSubmitSeconds: number): Hold | null {
  if (!token.valid) return { rule: "form_token", message: `Held: form token ${token.reason}` };
  if (token.ageSeconds < minSubmitSeconds) {
    // The time counts from the token, not from when the reader saw the form:
    // a cached page's form fetches a fresh token on its first focus
    // (app/_article/comment-form.tsx), so a reader who read for minutes and
    // sent at once is 0.1 s from that focus. The words say what was measured.
    const age = token.ageSeconds.toFixed(1);
    return {
      rule: "too_fast",
      message: `Held: sent ${age} s after its form token was issued (minimum ${minSubmitSeconds} s; issued with the page, or when a cached page's form was first focused)`,
    };
  }
  return null;
}

/** A commenter's record as the trust rules read it (lib/comments/lookups.ts gathers it). */
export type CommenterRecord = {
  /** Their approved comments. */
  approved: number;
  /** Their comments in the rule's recent window, and how many of those were rejected (spam or trash). */
  recent: number;
  recentRejected: number;
};

/** The trust rules' settings (lib/settings/schema.ts). */
export type TrustSettings = {
  /** Hold comments from commenters with fewer approved comments than this (0: off). */
  trustMinApproved: number;
  trustRejectedHold: boolean;
  trustRejectedPercent: number;
  trustRejectedDays: number;
};

/** Whether a trust rule needs the commenter's record at all (it is read only then). */
export function trustRulesOn(settings: TrustSettings): boolean {
  return settings.trustMinApproved > 0 || settings.trustRejectedHold;
}

const commentsWord = (n: number) => `${n} ${n === 1 ? "comment" : "comments"}`;

/**
 * The trust rules on a commenter's record: fewer approved comments than
 * `trustMinApproved` (1 is WordPress's "comment author must have a
 * previously approved comment"), or at least `trustRejectedPercent`% of
 * their comments of the last `trustRejectedDays` days rejected. Staff never
 * reach this (the pipeline approves their comments).
 */
export function trustHolds(record: CommenterRecord, settings: TrustSettings): Hold[] {
  const holds: Hold[] = [];
  const min = settings.trustMinApproved;
  if (min > 0 && record.approved < min) {
    holds.push(
      min === 1
        ? { rule: "first_time", message: "Held: first comment from this author" }
        : { rule: "few_approved", message: `Held: ${record.approved} approved ${record.approved === 1 ? "comment" : "comments"} before (fewer than ${min})` },
    );
  }
  if (settings.trustRejectedHold && record.recent > 0 && record.recentRejected * 100 >= settings.trustRejectedPercent * record.recent) {
    holds.push({
      rule: "rejected_share",
      message: `Held: ${record.recentRejected} of ${commentsWord(record.recent)} in the last ${settings.trustRejectedDays} ${settings.trustRejectedDays === 1 ? "day" : "days"} rejected (at least ${settings.trustRejectedPercent}%)`,
    });
  }
  return holds;
}

/**
 * The hold rules on what was written, where and by whom, in this order:
 * the account's unverified address, the article's pre-moderation (every comment, or those with a link), the
 * commenter's "Always pre-moderate", more links than `linkLimit`, a hold
 * word (found by the caller in the text, name and website), and the trust
 * rules (`record` is asked only when one is on).
 */
export async function contentHolds(facts: {
  links: number;
  linkLimit: number;
  holdWord: string | null;
  article?: { premoderateAll: boolean; premoderateLinks: boolean };
  premoderatedCommenter?: boolean;
  /** The account's address is not verified while the site requires it (requireVerifiedEmail, with mail configured). */
  unverifiedEmail?: boolean;
  trust?: TrustSettings;
  record?: () => Promise<CommenterRecord> | CommenterRecord;
}): Promise<Hold[]> {
  const holds: Hold[] = [];
  if (facts.unverifiedEmail) holds.push({ rule: "email_unverified", message: EMAIL_NOT_VERIFIED });
  if (facts.article?.premoderateAll) holds.push({ rule: "premoderated_article", message: "Held: every comment on this article is pre-moderated" });
  else if (facts.article?.premoderateLinks && facts.links > 0) {
    holds.push({ rule: "premoderated_links", message: "Held: comments with links are pre-moderated on this article" });
  }
  if (facts.premoderatedCommenter) holds.push({ rule: "premoderated_commenter", message: "Held: this commenter is always pre-moderated" });
  if (facts.links > facts.linkLimit) holds.push({ rule: "links", message: `Held: ${facts.links} links (more than ${facts.linkLimit})` });
  if (facts.holdWord) holds.push({ rule: "hold_word", message: `Held: hold word “${facts.holdWord}”` });
  if (facts.trust && facts.record && trustRulesOn(facts.trust)) holds.push(...trustHolds(await facts.record(), facts.trust));
  return holds;
}

/**
 * Readers' reports: a published comment is held once `reportsToHold`
 * different accounts have open reports on it (0: never). Reports a
 * moderator already reviewed (closed) do not count.
 */
export function reportHold(openReports: number, reportsToHold: number): Hold | null {
  if (reportsToHold <= 0 || openReports < reportsToHold) return null;
  return { rule: "reports", message: `Reported by ${openReports} ${openReports === 1 ? "reader" : "readers"}` };
}

/**
 * The hold an author's edit keeps: a held comment stays held, since an edit
 * never publishes what a rule or a moderator held (a missing form token,
 * "too fast", Unapprove); only a moderator does. It can still go to spam.
 */
export function holdsKeptByEdit(statusBefore: CommentStatus): string[] {
  return statusBefore === "pending" ? ["Held before the edit: waits for a moderator"] : [];
}

export type StatusDecision = {
  status: CommentStatus;
  spamCheckState: SpamCheckState;
  blatant: boolean;
  reason: string;
};

/** What the local defences came to, for the verdict. */
export type LocalOutcome = { outcome: "spam"; reason: string } | { outcome: "hold" | "pass"; holds: string[] };

/**
 * The stored status of a new comment from the local defences and Akismet.
 * Nothing unchecked is published: a failed check holds the comment.
 */
export function decideStatus(input: {
  trusted: boolean;
  local: LocalOutcome;
  akismet: AkismetOutcome | "not_configured" | "not_needed";
  guest: boolean;
}): StatusDecision {
  if (input.local.outcome === "spam") {
    return { status: "spam", spamCheckState: "skipped", blatant: false, reason: input.local.reason };
  }
  if (input.trusted) {
    return { status: "approved", spamCheckState: "skipped", blatant: false, reason: "Approved: trusted role" };
  }
  const holds = input.local.holds;
  const held = (fallback: string) => holds.join("; ") || fallback;

  if (input.akismet === "not_configured" || input.akismet === "not_needed") {
    if (holds.length > 0) return { status: "pending", spamCheckState: "skipped", blatant: false, reason: held("") };
    if (input.akismet === "not_configured" && input.guest) {
      return {
        status: "pending",
        spamCheckState: "skipped",
        blatant: false,
        reason: "Held: Akismet is not configured, guest comments wait for a moderator",
      };
    }
    return { status: "approved", spamCheckState: "skipped", blatant: false, reason: "Approved: passed the local defences" };
  }

  const a = input.akismet;
  switch (a.kind) {
    case "spam":
      return {
        status: "spam",
        spamCheckState: "checked",
        blatant: a.blatant,
        reason: a.blatant ? "Akismet: spam (blatant)" : "Akismet: spam",
      };
    case "ham":
      return holds.length > 0
        ? { status: "pending", spamCheckState: "checked", blatant: false, reason: held("") }
        : { status: "approved", spamCheckState: "checked", blatant: false, reason: "Akismet: not spam" };
    case "error":
      return {
        status: "pending",
        spamCheckState: "not_checked",
        blatant: false,
        reason: `Not checked: ${a.error}`,
      };
  }
}

/**
 * The verdict reached without Akismet, or null when Akismet must be asked:
 * the local defences found spam, the author has a trusted role, or no
 * Akismet key is configured.
 */
export function decideWithoutAkismet(input: { trusted: boolean; local: LocalOutcome; akismetConfigured: boolean; guest: boolean }): StatusDecision | null {
  const needsAkismet = input.local.outcome !== "spam" && !input.trusted && input.akismetConfigured;
  if (needsAkismet) return null;
  return decideStatus({
    trusted: input.trusted,
    local: input.local,
    akismet: input.akismetConfigured ? "not_needed" : "not_configured",
    guest: input.guest,
  });
}

/**
 * A moderator's Check for spam on a held comment: spam goes to spam; not
 * spam publishes only a comment that was never checked and that no hold rule
 * holds. One held after a check stays held: a person or a rule put it there.
 * null: the comment stays as it is.
 */
export function decideRecheck(input: {
  akismet: { kind: "spam"; blatant: boolean } | { kind: "ham" };
  checkedBefore: boolean;
  holds: string[];
  guest: boolean;
}): { status: "spam" | "approved" | "pending"; reason: string } | null {
  if (input.akismet.kind === "spam") {
    return { status: "spam", reason: input.akismet.blatant ? "Akismet: spam (blatant, re-checked)" : "Akismet: spam (re-checked)" };
  }
  if (input.checkedBefore) return null;
  const decision = decideStatus({ trusted: false, local: { outcome: "hold", holds: input.holds }, akismet: { kind: "ham", guid: null }, guest: input.guest });
  return { status: decision.status === "approved" ? "approved" : "pending", reason: decision.reason };
}

/** Delay before retry number `attempt` (1-based): the base, doubling, at most 6 hours. */
export function retryDelayMs(attempt: number, baseMinutes: number): number {
  const base = baseMinutes * 60_000;
  return Math.min(base * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000);
}
