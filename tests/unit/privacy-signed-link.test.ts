import { describe, expect, it } from "vitest";
import { sign } from "@/lib/auth/secret";
import {
  DATA_LINK_LIFETIME_MS,
  DATA_LINK_PURPOSE,
  checkDataLinkToken,
  dataLinkProblem,
  issueDataLinkToken,
} from "@/lib/privacy/signed-link";

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;

/** The token's payload, decoded (it is signed, not secret). */
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString("utf8")) as { e: string; x: number };
/** A token whose payload is replaced but the signature kept. */
const withPayload = (token: string, payload: object) => `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${token.split(".")[1]}`;

describe("the signed data link", () => {
  it("names the address (lower-cased) and works for 24 hours", () => {
    expect(DATA_LINK_LIFETIME_MS).toBe(24 * HOUR);
    const token = issueDataLinkToken("Ann.Example@Example.COM", now);
    expect(checkDataLinkToken(token, now + 1000)).toEqual({ valid: true, email: "ann.example@example.com", expiresAt: new Date(now + 24 * HOUR) });
    expect(checkDataLinkToken(token, now + 24 * HOUR)).toMatchObject({ valid: true });
  });

  it("expires after 24 hours", () => {
    const token = issueDataLinkToken("ann@example.com", now);
    expect(checkDataLinkToken(token, now + 24 * HOUR + 1)).toEqual({ valid: false, reason: "expired" });
    expect(dataLinkProblem("expired")).toMatch(/expired/);
  });

  it("refuses a token whose address or expiry was changed", () => {
    const token = issueDataLinkToken("ann@example.com", now);
    expect(checkDataLinkToken(withPayload(token, { ...payloadOf(token), e: "bob@example.com" }), now)).toEqual({ valid: false, reason: "bad signature" });
    expect(checkDataLinkToken(withPayload(token, { ...payloadOf(token), x: now + 365 * 24 * HOUR }), now + 48 * HOUR)).toEqual({
      valid: false,
      reason: "bad signature",
    });
    // One character of the signature changed.
    const [body, signature] = token.split(".") as [string, string];
    const flipped = `${body}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    expect(checkDataLinkToken(flipped, now)).toEqual({ valid: false, reason: "bad signature" });
    // Cut short when copied.
    expect(checkDataLinkToken(token.slice(0, -3), now)).toEqual({ valid: false, reason: "bad signature" });
    expect(checkDataLinkToken(body, now)).toEqual({ valid: false, reason: "malformed" });
  });

  it("refuses a token signed for another purpose, and a data link offered as another purpose", () => {
    const body = Buffer.from(JSON.stringify({ e: "ann@example.com", x: now + HOUR })).toString("base64url");
    const otherPurpose = `${body}.${sign("form-token", body)}`;
    expect(checkDataLinkToken(otherPurpose, now)).toEqual({ valid: false, reason: "bad signature" });
    const rightPurpose = `${body}.${sign(DATA_LINK_PURPOSE, body)}`;
    expect(checkDataLinkToken(rightPurpose, now)).toMatchObject({ valid: true, email: "ann@example.com" });
    expect(checkDataLinkToken(issueDataLinkToken("ann@example.com", now), now, "unsubscribe")).toEqual({ valid: false, reason: "bad signature" });
  });

  it("refuses what is not a token at all", () => {
    for (const junk of [undefined, null, 42, "", "abc", "a.b.c", "x".repeat(2000), "é.é"]) {
      expect(checkDataLinkToken(junk, now)).toMatchObject({ valid: false });
    }
    // A well-signed payload that is not a link's.
    const body = Buffer.from(JSON.stringify({ e: 5 })).toString("base64url");
    expect(checkDataLinkToken(`${body}.${sign(DATA_LINK_PURPOSE, body)}`, now)).toEqual({ valid: false, reason: "malformed" });
  });
});
