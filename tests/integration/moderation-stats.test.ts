import { beforeAll, describe, expect, it, vi } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { SpamChart } from "@/app/(site)/moderation/stats/chart";
import { commentEvents, type CommentStatus } from "@/db/schema";
import { getDb, storeOf } from "@/lib/db";
import { DAY_MS, spamStats, spamStatsQuery, type SpamStats } from "@/lib/moderation/stats";
import { createArticle, createComment, createUser } from "../support/factories";
import { pgPlan, sqlitePlan } from "../support/plans";

// The page checks the session first; here everyone is a moderator.
vi.mock("@/lib/auth/session", () => ({
  requirePermission: vi.fn(async () => ({ id: 1, name: "Mod", role: "moderator" })),
}));

/** 31 March 2025, 15:00 UTC: the window is 2 March to 31 March 2025. */
const NOW = Date.UTC(2025, 2, 31, 15, 0);
const at = (day: number, hour = 12, minute = 0) => Date.UTC(2025, 2, day, hour, minute);

type EventInput = {
  type: string;
  at: number;
  actor?: number | null;
  from?: string | null;
  to?: string | null;
  message?: string;
  detail?: Record<string, unknown> | null;
};

async function event(commentId: number, e: EventInput) {
  await getDb()
    .insert(commentEvents)
    .values({
      commentId,
      type: e.type,
      actorId: e.actor ?? null,
      fromStatus: (e.from ?? null) as CommentStatus | null,
      toStatus: (e.to ?? null) as CommentStatus | null,
      message: e.message ?? "",
      detail: e.detail ?? null,
      createdAt: new Date(e.at),
    });
}

const submitted = async (id: number, t: number) => event(id, { type: "submitted", at: t, message: "Submitted by guest" });
const decided = (id: number, t: number, to: string, message: string, from: string | null = null) =>
  event(id, { type: "status_change", at: t, from, to, message });
const verdict = (id: number, t: number, message: string, actor: number | null = null) =>
  event(id, { type: "akismet_check", at: t, message, actor, detail: { guid: "g", latencyMs: 12 } });
const moderated = (
  id: number,
  t: number,
  actor: number,
  from: string,
  to: string,
  action: string,
  akismetVerdict: "ham" | "spam" | "error" | null,
  correction: "false_positive" | "false_negative" | null,
) => event(id, { type: "moderation", at: t, actor, from, to, message: `Moderator: ${action}`, detail: { action, akismetVerdict, correction } });

let stats: SpamStats;
const dayOf = (date: number) => {
  const d = stats.days.find((x) => x.day === Math.floor(date / DAY_MS));
  if (!d) throw new Error(`no day for ${new Date(date).toISOString()}`);
  return d;
};

beforeAll(async () => {
  const article = await createArticle();
  const mod = await createUser({ role: "moderator" });
  const c = async () => (await createComment(article.id)).id;
  const [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15] = [
    await c(), await c(), await c(), await c(), await c(), await c(), await c(), await c(),
    await c(), await c(), await c(), await c(), await c(), await c(), await c(),
  ];

  // 28 March: Akismet ham and spam, a honeypot catch, a trusted approval, an Akismet timeout.
  await submitted(c1, at(28, 9));
  await verdict(c1, at(28, 9), "Akismet: not spam");
  await decided(c1, at(28, 9), "approved", "Akismet: not spam", "pending"); // the first check writes from 'pending'
  await submitted(c2, at(28, 10));
  await verdict(c2, at(28, 10), "Akismet: spam (blatant)");
  await decided(c2, at(28, 10), "spam", "Akismet: spam (blatant)", "pending");
  await submitted(c3, at(28, 11));
  await event(c3, { type: "defence", at: at(28, 11), message: "Honeypot: a hidden field was filled in" });
  await decided(c3, at(28, 11), "spam", "Honeypot: a hidden field was filled in");
  await submitted(c4, at(28, 12));
  await decided(c4, at(28, 12), "approved", "Approved: trusted role");
  await submitted(c5, at(28, 23, 59));
  await event(c5, { type: "akismet_error", at: at(28, 23, 59), message: "Akismet check failed: Akismet timed out after 3000 ms" });
  await decided(c5, at(28, 23, 59), "pending", "Not checked: Akismet timed out after 3000 ms", "pending");

  // 29 March: nothing at all.

  // 30 March: the retry job's re-check, two block-list catches, a false positive,
  // a held "not spam" and a moderator's "Check for spam", a moderator approval.
  await verdict(c5, at(30, 0, 0), "Re-check: spam");
  await decided(c5, at(30, 0, 0), "spam", "Akismet: spam", "pending");
  await submitted(c6, at(30, 8));
  await decided(c6, at(30, 8), "spam", "Block list: word “casino”");
  await submitted(c7, at(30, 9));
  await decided(c7, at(30, 9), "spam", "Block list: IP (203.0.113.9)");
  await moderated(c2, at(30, 10), mod.id, "spam", "approved", "not_spam", "spam", "false_positive");
  await submitted(c8, at(30, 11));
  await verdict(c8, at(30, 11), "Akismet: not spam");
  await decided(c8, at(30, 11), "pending", "Held: 3 links (more than 2)", "pending");
  await verdict(c8, at(30, 12), "Re-check: not spam (asked by Mod)", mod.id);
  await moderated(c15, at(30, 13), mod.id, "pending", "approved", "approve", "error", null); // not an automatic approval

  // 31 March (today): two false negatives, Akismet spam, a local approval.
  await moderated(c1, at(31, 8), mod.id, "approved", "spam", "spam", "ham", "false_negative");
  await moderated(c8, at(31, 9), mod.id, "pending", "spam", "spam", "ham", "false_negative");
  await submitted(c9, at(31, 10));
  await verdict(c9, at(31, 10), "Akismet: spam");
  await decided(c9, at(31, 10), "spam", "Akismet: spam", "pending");
  await submitted(c10, at(31, 11));
  await decided(c10, at(31, 11), "approved", "Approved: passed the local defences");

  // 2 March at midnight: the first day of the window.
  await submitted(c11, Date.UTC(2025, 2, 2));
  await decided(c11, Date.UTC(2025, 2, 2), "spam", "Block list: email (spam@example.com)");

  // Before the window: one millisecond before 2 March, and 40 days ago.
  const justBefore = Date.UTC(2025, 2, 2) - 1;
  await submitted(c12, justBefore);
  await verdict(c12, justBefore, "Akismet: spam");
  await decided(c12, justBefore, "spam", "Akismet: spam", "pending");
  await moderated(c12, justBefore, mod.id, "spam", "approved", "not_spam", "spam", "false_positive");
  await submitted(c13, NOW - 40 * DAY_MS);
  await decided(c13, NOW - 40 * DAY_MS, "spam", "Honeypot: a hidden field was filled in");
  await submitted(c14, NOW - 40 * DAY_MS);
  await verdict(c14, NOW - 40 * DAY_MS, "Akismet: not spam");
  await decided(c14, NOW - 40 * DAY_MS, "approved", "Akismet: not spam", "pending");
  await moderated(c14, NOW - 40 * DAY_MS, mod.id, "approved", "spam", "spam", "ham", "false_negative");

  stats = await spamStats({ now: new Date(NOW) });
});

describe("spam statistics", () => {
  it("covers the 30 UTC days up to today, oldest first, quiet days included", () => {
    expect(stats.days).toHaveLength(30);
    expect(stats.from.toISOString()).toBe("2025-03-02T00:00:00.000Z");
    expect(stats.to.toISOString()).toBe("2025-04-01T00:00:00.000Z");
    expect(stats.days[0]?.isoDate).toBe("2025-03-02");
    expect(stats.days[29]?.isoDate).toBe("2025-03-31");
    expect(stats.days.map((d) => d.day)).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(NOW / DAY_MS) - 29 + i));
  });

  it("counts each day", () => {
    expect(dayOf(at(28))).toMatchObject({
      received: 5,
      approved: 2,
      spamByAkismet: 1,
      spamByRules: 1,
      akismetVerdicts: 2,
      falsePositives: 0,
      falseNegatives: 0,
      accuracy: 1,
    });
    expect(dayOf(at(29))).toMatchObject({
      received: 0,
      approved: 0,
      spamByAkismet: 0,
      spamByRules: 0,
      akismetVerdicts: 0,
      falsePositives: 0,
      falseNegatives: 0,
      accuracy: null,
    });
    const d30 = dayOf(at(30));
    expect(d30).toMatchObject({
      received: 3,
      approved: 0, // the moderator's approval is not automatic
      spamByAkismet: 1, // the re-check
      spamByRules: 2,
      akismetVerdicts: 3, // first check, the retry job's re-check, a moderator's "Check for spam"
      falsePositives: 1,
      falseNegatives: 0,
    });
    expect(d30.accuracy).toBeCloseTo(2 / 3);
    // Corrections count on the moderator's day: more than that day's verdicts, clamped at 0.
    expect(dayOf(at(31))).toMatchObject({
      received: 2,
      approved: 1,
      spamByAkismet: 1,
      spamByRules: 0,
      akismetVerdicts: 1,
      falsePositives: 0,
      falseNegatives: 2,
      accuracy: 0,
    });
    // The first day starts at midnight UTC, inclusive.
    expect(dayOf(Date.UTC(2025, 2, 2))).toMatchObject({ received: 1, spamByRules: 1, accuracy: null });
    const busy = new Set(["2025-03-02", "2025-03-28", "2025-03-30", "2025-03-31"]);
    for (const d of stats.days.filter((x) => !busy.has(x.isoDate))) {
      expect(d).toMatchObject({ received: 0, approved: 0, spamByAkismet: 0, spamByRules: 0, akismetVerdicts: 0, falsePositives: 0, falseNegatives: 0, accuracy: null });
    }
  });

  it("totals the window, leaving out older events", () => {
    expect(stats.totals).toEqual({
      received: 11,
      approved: 3,
      spamByAkismet: 3,
      spamByRules: 4,
      akismetVerdicts: 6,
      falsePositives: 1,
      falseNegatives: 2,
      accuracy: 0.5, // (6 − 1 − 2) / 6
    });
  });

  it("takes a shorter window, and says when there are no verdicts", async () => {
    const two = await spamStats({ now: NOW, days: 2 });
    expect(two.days.map((d) => d.isoDate)).toEqual(["2025-03-30", "2025-03-31"]);
    expect(two.totals).toMatchObject({ received: 5, akismetVerdicts: 4, falsePositives: 1, falseNegatives: 2, accuracy: 0.25 });
    const quiet = await spamStats({ now: Date.UTC(2025, 2, 29, 18), days: 1 });
    expect(quiet.totals).toMatchObject({ received: 0, akismetVerdicts: 0, accuracy: null });
    await expect(spamStats({ now: NOW, days: 0 })).rejects.toThrow(RangeError);
  });

  it("reads comment_events through the (type, created_at) index", async () => {
    const db = getDb();
    const query = spamStatsQuery(db, NOW - 30 * DAY_MS, NOW);
    if (storeOf(db) === "sqlite") {
      const plan = await sqlitePlan(db, query);
      expect(plan).toContain("comment_events_type_created_idx");
      expect(plan).toMatch(/SEARCH comment_events USING INDEX comment_events_type_created_idx \(type=\? AND created_at>\? AND created_at<\?\)/);
      expect(plan).not.toMatch(/SCAN comment_events(?! USING)/);
    } else {
      // A few dozen events: planned with enable_seqscan off, which shows the
      // index serves the type and time range (query-plans.test.ts checks it
      // on a table large enough for the planner to choose it by itself).
      const plan = await pgPlan(db, query, { noSeqScan: true });
      expect(plan.indexes, plan.text).toContain("comment_events_type_created_idx");
      expect(plan.seqScans, plan.text).toEqual([]);
    }
  });
});

describe("the statistics page", () => {
  it("draws an accessible SVG chart without client code", () => {
    const html = renderToStaticMarkup(createElement(SpamChart, { days: stats.days }));
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="spam-chart-title"[^>]*aria-describedby="spam-chart-desc"/);
    expect(html).toContain('<title id="spam-chart-title">Comments and spam per day, last 30 days</title>');
    expect(html).toMatch(/<desc id="spam-chart-desc">[^<]*11 comments received, 3 approved automatically, 3 caught by Akismet and 4 by local rules/);
    // One bar per non-zero value: 28 Mar 4 bars, 30 Mar 3 (no approvals), 31 Mar 3, 2 Mar 2.
    expect(html.match(/<rect[^>]*height="[\d.]+"[^>]*><title>/g)).toHaveLength(12);
    expect(html).toContain("<title>28 Mar: 5 received</title>");
    expect(html).not.toContain("<script");
  });

  it("renders the heading, the summary and a table with a row per day and totals", async () => {
    const { default: SpamStatsPage, metadata, dynamic } = await import("@/app/(site)/moderation/stats/page");
    expect(metadata).toMatchObject({ title: "Spam statistics", robots: { index: false } });
    expect(dynamic).toBe("force-dynamic");
    const html = renderToStaticMarkup(await SpamStatsPage());
    const { requirePermission } = await import("@/lib/auth/session");
    expect(requirePermission).toHaveBeenCalledWith("comment:moderate", { callbackUrl: "/moderation/stats" });
    expect(html).toContain('<h1 class="page-heading">Spam statistics</h1>');
    expect(html).toMatch(/<a href="\/moderation">Back to the moderation queues<\/a>/);
    expect(html).toMatch(/<table[^>]*><caption>Comments and spam per UTC day, /);
    const headers = [...html.matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(headers).toEqual([
      "Day",
      "Received",
      "Approved",
      "Spam: Akismet",
      "Spam: local rules",
      "False positives",
      "False negatives",
      "Akismet verdicts",
      "Akismet accuracy",
    ]);
    expect(html.match(/<tr><th scope="row"><time/g)).toHaveLength(30);
    expect(html).toContain("Total, 30 days");
    // Today's real window holds none of the 2025 events above.
    expect(html).toContain("no Akismet verdicts yet");
  });
});
