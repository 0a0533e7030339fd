import { describe, expect, it } from "vitest";
import { commentsAreOpen, runDefences, type DefenceInput } from "@/lib/comments/defences";
import { DEFAULT_SETTINGS } from "@/lib/settings/schema";

const NOW = new Date("2026-01-01T12:00:00Z");

function input(overrides: Partial<DefenceInput> = {}, lookups: Partial<DefenceInput["lookups"]> = {}): DefenceInput {
  return {
    now: NOW,
    settings: DEFAULT_SETTINGS,
    article: { id: 1, commentsOpen: true, commentsCloseAt: null },
    author: { name: "Ada", email: "ada@example.com", url: "", userId: null, trusted: false },
    ip: "203.0.113.9",
    content: "A thoughtful comment.",
    honeypot: "",
    formToken: { valid: true, ageSeconds: 30 },
    ...overrides,
    lookups: {
      recentComment: () => false,
      duplicate: () => false,
      commenterRecord: () => ({ approved: 1, recent: 0, recentRejected: 0 }),
      premoderated: () => false,
      ...lookups,
    },
  };
}

describe("runDefences", () => {
  it("passes an ordinary comment", async () => {
    expect(await runDefences(input())).toEqual({ outcome: "pass", holds: [], events: [] });
  });

  it("sends a filled honeypot to spam before anything else", async () => {
    const r = await runDefences(input({ honeypot: "555-1234" }, { recentComment: () => true }));
    expect(r).toMatchObject({ outcome: "spam", reason: "Honeypot: a hidden field was filled in" });
  });

  it("holds a form sent faster than the minimum time, or with a bad token", async () => {
    const fast = await runDefences(input({ formToken: { valid: true, ageSeconds: 1.2 } }));
    expect(fast).toMatchObject({ outcome: "hold", holds: ["Held: sent 1.2 s after its form token was issued (minimum 3 s; issued with the page, or when a cached page's form was first focused)"] });
    expect(fast.outcome !== "refused" && fast.events[0]?.rule).toBe("too_fast");
    const forged = await runDefences(input({ formToken: { valid: false, reason: "bad signature" } }));
    expect(forged).toMatchObject({ outcome: "hold", holds: ["Held: form token bad signature"] });
  });

  it("refuses a flood, a duplicate and a closed article with clear messages", async () => {
    let since: Date | undefined;
    const flood = await runDefences(
      input({}, { recentComment: (_ip, _email, s) => ((since = s), true) }),
    );
    expect(flood).toEqual({
      outcome: "refused",
      code: "flood",
      message: "You are posting comments too quickly. Please wait a few seconds and try again.",
    });
    expect(since?.toISOString()).toBe("2026-01-01T11:59:45.000Z");
    expect(await runDefences(input({}, { duplicate: () => true }))).toMatchObject({ outcome: "refused", code: "duplicate" });
    expect(
      await runDefences(input({ article: { id: 1, commentsOpen: false, commentsCloseAt: null } })),
    ).toMatchObject({ outcome: "refused", message: "Comments are closed on this article." });
    expect(
      await runDefences(input({ article: { id: 1, commentsOpen: true, commentsCloseAt: new Date("2025-12-31T00:00:00Z") } })),
    ).toMatchObject({ outcome: "refused", code: "closed" });
  });

  it("sends block-list matches to spam, naming the list", async () => {
    const settings = { ...DEFAULT_SETTINGS, blockWords: ["cheap pills"], blockEmails: ["spam.example"], blockIps: ["198.51.100.0/24"] };
    expect(await runDefences(input({ settings, content: "Buy CHEAP-PILLS now" }))).toMatchObject({
      outcome: "spam",
      reason: "Block list: word “cheap pills”",
    });
    expect(
      await runDefences(input({ settings, author: { name: "X", email: "x@mail.spam.example", url: "", userId: null, trusted: false } })),
    ).toMatchObject({ outcome: "spam", reason: "Block list: email (spam.example)" });
    expect(await runDefences(input({ settings, ip: "198.51.100.77" }))).toMatchObject({
      outcome: "spam",
      reason: "Block list: IP (198.51.100.0/24)",
    });
  });

  it("holds more than the link limit, hold words and first-time commenters", async () => {
    const links = await runDefences(input({ content: "see https://a.example https://b.example and https://c.example" }));
    expect(links).toMatchObject({ outcome: "hold", holds: ["Held: 3 links (more than 2)"] });
    const twoLinks = await runDefences(input({ content: "see https://a.example and https://b.example" }));
    expect(twoLinks.outcome).toBe("pass");

    const settings = { ...DEFAULT_SETTINGS, holdWords: ["refund"], trustMinApproved: 1 };
    const r = await runDefences(input({ settings, content: "I want a Refund!" }, { commenterRecord: () => ({ approved: 0, recent: 0, recentRejected: 0 }) }));
    expect(r).toMatchObject({
      outcome: "hold",
      holds: ["Held: hold word “refund”", "Held: first comment from this author"],
    });
  });

  it("lets trusted roles skip every rule but duplicates and closed articles", async () => {
    const trusted = { name: "Ed", email: "ed@example.com", url: "", userId: 3, trusted: true };
    const settings = { ...DEFAULT_SETTINGS, blockWords: ["refund"] };
    expect(
      await runDefences(input({ author: trusted, settings, content: "refund https://a https://b https://c", formToken: { valid: false, reason: "missing" } }, { recentComment: () => true })),
    ).toEqual({ outcome: "pass", holds: [], events: [] });
    expect(await runDefences(input({ author: trusted }, { duplicate: () => true }))).toMatchObject({ code: "duplicate" });
  });
});

describe("commentsAreOpen", () => {
  const DAY = 24 * 60 * 60 * 1000;
  const published = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY);
  const article = (over: Partial<{ commentsOpen: boolean; commentsCloseAt: Date | null; publishedAt: Date | null }> = {}) => ({
    commentsOpen: true,
    commentsCloseAt: null,
    publishedAt: published(100),
    ...over,
  });

  it("keeps comments open forever by default (auto-close 0)", () => {
    expect(commentsAreOpen(article(), NOW)).toBe(true);
    expect(commentsAreOpen(article({ publishedAt: published(5000) }), NOW, 0)).toBe(true);
  });

  it("closes comments more than N days after publication", () => {
    expect(commentsAreOpen(article({ publishedAt: published(13) }), NOW, 14)).toBe(true);
    expect(commentsAreOpen(article({ publishedAt: published(14) }), NOW, 14)).toBe(true);
    expect(commentsAreOpen(article({ publishedAt: new Date(published(14).getTime() - 1) }), NOW, 14)).toBe(false);
    expect(commentsAreOpen(article({ publishedAt: published(15) }), NOW, 14)).toBe(false);
  });

  it("does not auto-close an article without a publication date", () => {
    expect(commentsAreOpen(article({ publishedAt: null }), NOW, 1)).toBe(true);
    expect(commentsAreOpen({ commentsOpen: true, commentsCloseAt: null }, NOW, 1)).toBe(true);
  });

  it("still honours the article's own switch and closing time", () => {
    expect(commentsAreOpen(article({ commentsOpen: false, publishedAt: published(1) }), NOW, 30)).toBe(false);
    expect(commentsAreOpen(article({ commentsCloseAt: NOW, publishedAt: published(1) }), NOW, 30)).toBe(false);
    expect(commentsAreOpen(article({ commentsCloseAt: new Date(NOW.getTime() + 1000), publishedAt: published(1) }), NOW, 30)).toBe(true);
  });

  it("makes runDefences refuse a comment on an auto-closed article", async () => {
    const settings = { ...DEFAULT_SETTINGS, commentsAutoCloseDays: 30 };
    const old = { id: 1, commentsOpen: true, commentsCloseAt: null, publishedAt: published(31) };
    expect(await runDefences(input({ settings, article: old }))).toEqual({
      outcome: "refused",
      code: "closed",
      message: "Comments are closed on this article.",
    });
    expect((await runDefences(input({ settings, article: { ...old, publishedAt: published(29) } }))).outcome).toBe("pass");
    expect((await runDefences(input({ article: old }))).outcome).toBe("pass");
  });
});
