import { describe, expect, it } from "vitest";
import { contentHolds, decideRecheck, decideWithoutAkismet, formTokenHold, holdsKeptByEdit, reportHold, trustHolds } from "@/lib/spam/verdict";

// Every hold rule lives in lib/spam/verdict.ts; the pipeline, the edit and
// the moderators' Check for spam only gather the facts.
describe("hold rules", () => {
  it("holds a token that is not genuine, and a post sent sooner than the minimum", () => {
    expect(formTokenHold({ valid: false, reason: "missing" }, 3)).toEqual({ rule: "form_token", message: "Held: form token missing" });
    expect(formTokenHold({ valid: true, ageSeconds: 1.25 }, 3)?.rule).toBe("too_fast");
    expect(formTokenHold({ valid: true, ageSeconds: 1.25 }, 3)?.message).toMatch(/^Held: sent 1\.3 s after its form token was issued \(minimum 3 s;/);
    expect(formTokenHold({ valid: true, ageSeconds: 3 }, 3)).toBeNull();
  });

  const trust = { trustMinApproved: 1, trustRejectedHold: false, trustRejectedPercent: 30, trustRejectedDays: 7 };
  it("holds for links, a hold word and a first comment, in that order, asking about the author only when a trust rule is on", async () => {
    let asked = 0;
    const record = () => {
      asked++;
      return { approved: 0, recent: 0, recentRejected: 0 };
    };
    const all = await contentHolds({ links: 3, linkLimit: 2, holdWord: "casino", trust, record });
    expect(all.map((h) => h.rule)).toEqual(["links", "hold_word", "first_time"]);
    expect(all.map((h) => h.message)).toEqual(["Held: 3 links (more than 2)", "Held: hold word “casino”", "Held: first comment from this author"]);
    expect(await contentHolds({ links: 2, linkLimit: 2, holdWord: null, trust: { ...trust, trustMinApproved: 0 }, record })).toEqual([]);
    expect(asked).toBe(1);
  });

  it("holds an account's comment while its address is not verified, first and with the contract's words", async () => {
    const holds = await contentHolds({ links: 3, linkLimit: 2, holdWord: null, unverifiedEmail: true });
    expect(holds).toEqual([
      { rule: "email_unverified", message: "Email not verified" },
      { rule: "links", message: "Held: 3 links (more than 2)" },
    ]);
    expect(await contentHolds({ links: 0, linkLimit: 2, holdWord: null, unverifiedEmail: false })).toEqual([]);
  });

  it("holds every comment, or those with a link, on a pre-moderated article, and a pre-moderated commenter's", async () => {
    const article = { premoderateAll: false, premoderateLinks: true };
    expect((await contentHolds({ links: 1, linkLimit: 2, holdWord: null, article })).map((h) => h.message)).toEqual([
      "Held: comments with links are pre-moderated on this article",
    ]);
    expect(await contentHolds({ links: 0, linkLimit: 2, holdWord: null, article })).toEqual([]);
    expect((await contentHolds({ links: 0, linkLimit: 2, holdWord: null, article: { premoderateAll: true, premoderateLinks: true } })).map((h) => h.rule)).toEqual([
      "premoderated_article",
    ]);
    expect((await contentHolds({ links: 0, linkLimit: 2, holdWord: null, premoderatedCommenter: true })).map((h) => h.message)).toEqual([
      "Held: this commenter is always pre-moderated",
    ]);
  });

  it("trust rules: fewer than N approved comments, at the edge", () => {
    const rules = { ...trust, trustMinApproved: 3 };
    expect(trustHolds({ approved: 2, recent: 0, recentRejected: 0 }, rules)).toEqual([
      { rule: "few_approved", message: "Held: 2 approved comments before (fewer than 3)" },
    ]);
    expect(trustHolds({ approved: 1, recent: 0, recentRejected: 0 }, rules)[0]?.message).toBe("Held: 1 approved comment before (fewer than 3)");
    expect(trustHolds({ approved: 3, recent: 0, recentRejected: 0 }, rules)).toEqual([]);
    expect(trustHolds({ approved: 0, recent: 0, recentRejected: 0 }, { ...rules, trustMinApproved: 0 })).toEqual([]);
  });

  it("trust rules: at least P% rejected in the last D days, at the edge", () => {
    const rules = { ...trust, trustMinApproved: 0, trustRejectedHold: true, trustRejectedPercent: 30, trustRejectedDays: 7 };
    // 3 of 10 is exactly 30%: held; 2 of 7 is 28.6%: not.
    expect(trustHolds({ approved: 5, recent: 10, recentRejected: 3 }, rules)).toEqual([
      { rule: "rejected_share", message: "Held: 3 of 10 comments in the last 7 days rejected (at least 30%)" },
    ]);
    expect(trustHolds({ approved: 5, recent: 7, recentRejected: 2 }, rules)).toEqual([]);
    expect(trustHolds({ approved: 0, recent: 0, recentRejected: 0 }, rules)).toEqual([]);
    expect(trustHolds({ approved: 5, recent: 10, recentRejected: 9 }, { ...rules, trustRejectedHold: false })).toEqual([]);
    expect(trustHolds({ approved: 0, recent: 1, recentRejected: 1 }, { ...rules, trustRejectedDays: 1 })[0]?.message).toBe(
      "Held: 1 of 1 comment in the last 1 day rejected (at least 30%)",
    );
  });

  it("holds a published comment once reportsToHold different readers reported it; 0 turns it off", () => {
    expect(reportHold(2, 3)).toBeNull();
    expect(reportHold(3, 3)).toEqual({ rule: "reports", message: "Reported by 3 readers" });
    expect(reportHold(1, 1)).toEqual({ rule: "reports", message: "Reported by 1 reader" });
    expect(reportHold(50, 0)).toBeNull();
  });

  it("keeps a held comment held through its author's edit", () => {
    expect(holdsKeptByEdit("pending")).toEqual(["Held before the edit: waits for a moderator"]);
    expect(holdsKeptByEdit("approved")).toEqual([]);
  });
});

describe("verdicts", () => {
  it("decides without Akismet only for local spam, trusted roles or no key", () => {
    const pass = { outcome: "pass" as const, holds: [] };
    expect(decideWithoutAkismet({ trusted: false, local: pass, akismetConfigured: true, guest: true })).toBeNull();
    expect(decideWithoutAkismet({ trusted: true, local: pass, akismetConfigured: true, guest: false })).toMatchObject({ status: "approved" });
    expect(decideWithoutAkismet({ trusted: false, local: { outcome: "spam", reason: "Honeypot" }, akismetConfigured: true, guest: true })).toMatchObject({
      status: "spam",
      reason: "Honeypot",
    });
    expect(decideWithoutAkismet({ trusted: false, local: pass, akismetConfigured: false, guest: true })).toMatchObject({ status: "pending" });
  });

  it("a moderator's re-check publishes only a comment never checked and not held by a rule", () => {
    expect(decideRecheck({ akismet: { kind: "spam", blatant: true }, checkedBefore: true, holds: [], guest: true })).toEqual({
      status: "spam",
      reason: "Akismet: spam (blatant, re-checked)",
    });
    expect(decideRecheck({ akismet: { kind: "ham" }, checkedBefore: true, holds: [], guest: true })).toBeNull();
    expect(decideRecheck({ akismet: { kind: "ham" }, checkedBefore: false, holds: [], guest: true })).toEqual({ status: "approved", reason: "Akismet: not spam" });
    expect(decideRecheck({ akismet: { kind: "ham" }, checkedBefore: false, holds: ["Held: hold word “x”"], guest: true })).toEqual({
      status: "pending",
      reason: "Held: hold word “x”",
    });
  });
});
