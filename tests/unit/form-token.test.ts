import { describe, expect, it } from "vitest";
import { FORM_TOKEN_LIFETIME_MS, checkFormToken, issueFormToken } from "@/lib/comments/form-token";
import { runDefences, type DefenceInput } from "@/lib/comments/defences";
import { settingsSchema } from "@/lib/settings/schema";

const DAY = 24 * 60 * 60 * 1000;
const issuedAt = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("form token lifetime", () => {
  it("lasts a day", () => {
    expect(FORM_TOKEN_LIFETIME_MS).toBe(DAY);
  });

  it("is valid until a day has passed, then expired", () => {
    const token = issueFormToken(7, issuedAt);
    expect(checkFormToken(token, 7, issuedAt + 5_000)).toEqual({ valid: true, ageSeconds: 5 });
    expect(checkFormToken(token, 7, issuedAt + DAY - 1)).toMatchObject({ valid: true });
    expect(checkFormToken(token, 7, issuedAt + DAY)).toMatchObject({ valid: true });
    expect(checkFormToken(token, 7, issuedAt + DAY + 1)).toEqual({ valid: false, reason: "expired" });
    expect(checkFormToken(token, 7, issuedAt + 365 * DAY)).toEqual({ valid: false, reason: "expired" });
  });

  it("still refuses forged and foreign tokens as such", () => {
    const token = issueFormToken(7, issuedAt);
    expect(checkFormToken(token, 8, issuedAt + 5_000)).toEqual({ valid: false, reason: "bad signature" });
    expect(checkFormToken(token.replace(/^\d+/, String(issuedAt + DAY)), 7, issuedAt + 5_000)).toEqual({
      valid: false,
      reason: "bad signature",
    });
  });
});

describe("an expired token in the defences", () => {
  const input = (formToken: DefenceInput["formToken"], trusted = false): DefenceInput => ({
    now: new Date(issuedAt),
    settings: settingsSchema.parse({}),
    article: { id: 1, commentsOpen: true, commentsCloseAt: null },
    author: { name: "Ada", email: "ada@example.com", url: "", userId: null, trusted },
    ip: "203.0.113.5",
    content: "Hello",
    honeypot: "",
    formToken,
    lookups: { recentComment: () => false, duplicate: () => false, commenterRecord: () => ({ approved: 1, recent: 0, recentRejected: 0 }), premoderated: () => false },
  });

  it("is refused with a message that says the comment is kept", async () => {
    expect(await runDefences(input({ valid: false, reason: "expired" }))).toEqual({
      outcome: "refused",
      code: "expired",
      message: "This form has expired; your comment is below, post it again.",
    });
  });

  it("other token problems still only hold the comment", async () => {
    expect(await runDefences(input({ valid: false, reason: "missing" }))).toMatchObject({ outcome: "hold" });
  });
});
