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

export type StatusDecision = {
  status: CommentStatus;
  spamCheckState: SpamCheckState;
  blatant: boolean;
  reason: string;
};

/**
 * The stored status of a new comment from the local defences and Akismet.
 * Nothing unchecked is published: a failed check holds the comment.
 */
export function decideStatus(input: {
  trusted: boolean;
  local: { outcome: "spam"; reason: string } | { outcome: "hold" | "pass"; holds: string[] };
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

/** Delay before retry number `attempt` (1-based): the base, doubling, at most 6 hours. */
export function retryDelayMs(attempt: number, baseMinutes: number): number {
  const base = baseMinutes * 60_000;
  return Math.min(base * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000);
}
