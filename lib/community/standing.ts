import { formatDateTime } from "@/lib/dates";

/**
 * Whether an account may take part (post, edit, report, respect) right now:
 * a ban has no end; a suspension ends by itself at `suspendedUntil` (or
 * earlier, lifted by a moderator). Decided here for every path: the form,
 * the JSON API and the server actions all ask `standingOf`.
 */
export type Standing = { kind: "banned" } | { kind: "suspended"; until: Date; message: string } | { kind: "active" };

export type StandingFacts = { banned: boolean; suspendedUntil?: Date | null; suspensionMessage?: string | null };

export function standingOf(account: StandingFacts, now: Date = new Date()): Standing {
  if (account.banned) return { kind: "banned" };
  if (account.suspendedUntil && account.suspendedUntil.getTime() > now.getTime()) {
    return { kind: "suspended", until: account.suspendedUntil, message: account.suspensionMessage ?? "" };
  }
  return { kind: "active" };
}

/** What a restricted account is told when it tries to `doing` ("comment", "change comments", "report comments", "respect comments"). */
export function standingRefusal(standing: Standing, doing: string): string | null {
  if (standing.kind === "banned") return `Your account has been suspended, so you cannot ${doing}.`;
  if (standing.kind === "suspended") return `${suspendedUntilText(standing.until)} You cannot ${doing} until then.`;
  return null;
}

/** "Your account is suspended until 6 December 2026 at 21:40 UTC." (the contract's words). */
export function suspendedUntilText(until: Date): string {
  return `Your account is suspended until ${formatDateTime(until)}.`;
}

/** The suspension lengths a moderator picks from (the commenter page). */
export const SUSPENSION_CHOICES = [
  { value: "1h", label: "1 hour", ms: 3_600_000 },
  { value: "3h", label: "3 hours", ms: 3 * 3_600_000 },
  { value: "24h", label: "24 hours", ms: 24 * 3_600_000 },
  { value: "7d", label: "7 days", ms: 7 * 24 * 3_600_000 },
] as const;
export type SuspensionChoice = (typeof SUSPENSION_CHOICES)[number]["value"];
