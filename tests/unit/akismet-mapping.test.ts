import { describe, expect, it } from "vitest";
import { buildCheckParams, type CheckSubject } from "@/lib/spam/params";
import { classifyAnswer, decideStatus, retryDelayMs } from "@/lib/spam/verdict";

const subject: CheckSubject = {
  comment: {
    content: "Hello",
    authorName: "Ada",
    authorEmail: "ada@example.com",
    authorUrl: "https://ada.example",
    parentId: null,
    createdAt: new Date("2026-01-01T12:00:00Z"),
  },
  article: { slug: "a-story", modifiedAt: new Date("2025-12-31T08:00:00Z") },
  request: { ip: "203.0.113.9", userAgent: "Mozilla/5.0", referrer: "https://news.example/articles/a-story" },
  userRole: null,
  honeypot: "",
  site: { url: "https://news.example", lang: "en", charset: "UTF-8" },
  isTest: true,
};

describe("buildCheckParams", () => {
  it("maps a guest comment to every parameter Akismet accepts", () => {
    expect(buildCheckParams(subject)).toEqual({
      blog: "https://news.example/",
      user_ip: "203.0.113.9",
      user_agent: "Mozilla/5.0",
      referrer: "https://news.example/articles/a-story",
      permalink: "https://news.example/articles/a-story",
      comment_type: "comment",
      comment_author: "Ada",
      comment_author_email: "ada@example.com",
      comment_author_url: "https://ada.example",
      comment_content: "Hello",
      comment_date_gmt: "2026-01-01T12:00:00.000Z",
      comment_post_modified_gmt: "2025-12-31T08:00:00.000Z",
      blog_lang: "en",
      blog_charset: "UTF-8",
      honeypot_field_name: "fax",
      fax: "",
      is_test: "1",
    });
  });

  it("marks replies, roles and re-checks; drops is_test in production", () => {
    const p = buildCheckParams({
      ...subject,
      comment: { ...subject.comment, parentId: 7 },
      userRole: "admin",
      isTest: false,
      recheckReason: "retry",
    });
    expect(p).toMatchObject({ comment_type: "reply", comment_parent: "7", user_role: "administrator", recheck_reason: "retry" });
    expect(p).not.toHaveProperty("is_test");
    expect(buildCheckParams({ ...subject, userRole: "reader" }).user_role).toBe("subscriber");
  });
});

describe("classifyAnswer", () => {
  const ok = (body: string, headers: Record<string, string> = {}) => classifyAnswer({ status: 200, body, headers });

  it("reads verdicts, the guid and the discard pro-tip", () => {
    expect(ok("false", { "x-akismet-guid": "g1" })).toEqual({ kind: "ham", guid: "g1" });
    expect(ok("true")).toMatchObject({ kind: "spam", blatant: false });
    expect(ok("true", { "x-akismet-pro-tip": "discard" })).toMatchObject({ kind: "spam", blatant: true, proTip: "discard" });
  });

  it("treats every other answer as not checked", () => {
    expect(ok("invalid", { "x-akismet-debug-help": "Empty \"blog\" value" })).toMatchObject({
      kind: "error",
      invalidKey: true,
      debugHelp: "Empty \"blog\" value",
    });
    expect(ok("false", { "x-akismet-error": "Your key is suspended" })).toMatchObject({
      kind: "error",
      error: "Akismet error: Your key is suspended",
    });
    expect(ok("Missing required field: user_ip.")).toMatchObject({ kind: "error" });
    expect(classifyAnswer({ status: 503, body: "", headers: {} })).toMatchObject({ kind: "error", error: "Akismet answered HTTP 503" });
    expect(classifyAnswer({ status: 429, body: "", headers: { "retry-after": "120" } })).toMatchObject({
      kind: "error",
      retryAfterSeconds: 120,
    });
  });
});

describe("decideStatus", () => {
  const pass = { outcome: "pass" as const, holds: [] };
  const ham = { kind: "ham" as const, guid: null };

  it("approves ham and keeps a locally held comment held", () => {
    expect(decideStatus({ trusted: false, local: pass, akismet: ham, guest: true })).toMatchObject({ status: "approved", spamCheckState: "checked" });
    expect(
      decideStatus({ trusted: false, local: { outcome: "hold", holds: ["Held: 3 links (more than 2)"] }, akismet: ham, guest: true }),
    ).toMatchObject({ status: "pending", reason: "Held: 3 links (more than 2)" });
  });

  it("sends spam to spam, blatant when Akismet says discard", () => {
    expect(
      decideStatus({ trusted: false, local: pass, akismet: { kind: "spam", blatant: true, guid: null, proTip: "discard" }, guest: true }),
    ).toEqual({ status: "spam", spamCheckState: "checked", blatant: true, reason: "Akismet: spam (blatant)" });
  });

  it("never publishes an unchecked comment", () => {
    const error = { kind: "error" as const, error: "Akismet timed out after 3000 ms", debugHelp: null, invalidKey: false, retryAfterSeconds: null, guid: null };
    expect(decideStatus({ trusted: false, local: pass, akismet: error, guest: false })).toEqual({
      status: "pending",
      spamCheckState: "not_checked",
      blatant: false,
      reason: "Not checked: Akismet timed out after 3000 ms",
    });
  });

  it("holds guest comments when Akismet is not configured, but not members'", () => {
    expect(decideStatus({ trusted: false, local: pass, akismet: "not_configured", guest: true })).toMatchObject({ status: "pending" });
    expect(decideStatus({ trusted: false, local: pass, akismet: "not_configured", guest: false })).toMatchObject({ status: "approved" });
    expect(decideStatus({ trusted: true, local: pass, akismet: "not_needed", guest: false })).toMatchObject({ status: "approved" });
    expect(decideStatus({ trusted: true, local: { outcome: "spam", reason: "Honeypot" }, akismet: "not_needed", guest: false })).toMatchObject({ status: "spam" });
  });
});

describe("retryDelayMs", () => {
  it("starts at the base, doubles and stops at 6 hours", () => {
    expect([1, 2, 3, 10].map((n) => retryDelayMs(n, 20) / 60_000)).toEqual([20, 40, 80, 360]);
    expect(retryDelayMs(3, 0)).toBe(0);
  });
});
