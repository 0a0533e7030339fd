import { describe, expect, it } from "vitest";
import { contentHolds, decideRecheck, decideWithoutAkismet, formTokenHold, holdsKeptByEdit } from "@/lib/spam/verdict";

// Every hold rule lives in lib/spam/verdict.ts; the pipeline, the edit and
// the moderators' Check for spam only gather the facts.
describe("hold rules", () => {
  it("holds a token that is not genuine, and a post sent sooner than the minimum", () => {
    expect(formTokenHold({ valid: false, reason: "missing" }, 3)).toEqual({ rule: "form_token", message: "Held: form token missing" });
    expect(formTokenHold({ valid: true, ageSeconds: 1.25 }, 3)?.rule).toBe("too_fast");
    expect(formTokenHold({ valid: true, ageSeconds: 1.25 }, 3)?.message).toMatch(/^Held: sent 1\.3 s after its form token was issued \(minimum 3 s;/);
    expect(formTokenHold({ valid: true, ageSeconds: 3 }, 3)).toBeNull();
  });

  it("holds for links, a hold word and a first comment, in that order, asking about the author only when the rule is on", async () => {
    let asked = 0;
    const approvedBefore = () => {
      asked++;
      return false;
    };
    const all = await contentHolds({ links: 3, linkLimit: 2, holdWord: "casino", holdFirstTime: true, approvedBefore });
    expect(all.map((h) => h.rule)).toEqual(["links", "hold_word", "first_time"]);
    expect(all.map((h) => h.message)).toEqual(["Held: 3 links (more than 2)", "Held: hold word “casino”", "Held: first comment from this author"]);
    expect(await contentHolds({ links: 2, linkLimit: 2, holdWord: null, holdFirstTime: false, approvedBefore })).toEqual([]);
    expect(asked).toBe(1);
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
