import { describe, expect, it } from "vitest";
import {
  addressTakenMessage,
  alreadyRegisteredMessage,
  emailChangedMessage,
  emailChangeMessage,
  noAccountMessage,
  passwordChangedMessage,
  passwordResetMessage,
  verificationMessage,
} from "@/lib/accounts/messages";
import { parseEnv } from "@/lib/env";

const site = { siteName: "The Newsroom" };
const evil = `<img src=x onerror=alert(1)>\r\nBcc: victim@example.com`;

describe("account mail", () => {
  const messages = [
    passwordResetMessage({ ...site, link: "http://localhost:3000/reset-password?token=abc", lifetimeMs: 3_600_000, resetPageUrl: "http://localhost:3000/reset-password" }),
    noAccountMessage({ ...site, registerUrl: "http://localhost:3000/register", resetPageUrl: "http://localhost:3000/reset-password" }),
    verificationMessage({ ...site, name: evil, link: "http://localhost:3000/verify-email?token=abc", lifetimeMs: 2 * 86_400_000 }),
    alreadyRegisteredMessage({ ...site, name: evil, loginUrl: "http://localhost:3000/login", resetPageUrl: "http://localhost:3000/reset-password" }),
    emailChangeMessage({ ...site, name: evil, link: "http://localhost:3000/confirm-email?token=abc", lifetimeMs: 86_400_000, oldEmail: "old@example.com" }),
    addressTakenMessage({ ...site, accountUrl: "http://localhost:3000/account" }),
    emailChangedMessage({ ...site, name: evil, newEmail: "new@example.com", undoLink: "http://localhost:3000/confirm-email?undo=1&token=abc", lifetimeMs: 7 * 86_400_000, resetPageUrl: "http://localhost:3000/reset-password" }),
    passwordChangedMessage({ ...site, name: evil, how: "changed", resetPageUrl: "http://localhost:3000/reset-password" }),
  ];

  it("carries a plain-text part and an HTML part with every person's text escaped, and one-line subjects", () => {
    for (const m of messages) {
      expect(m.text.length).toBeGreaterThan(50);
      expect(m.html).not.toContain("<img");
      expect(m.subject).not.toMatch(/[\r\n]/);
    }
    expect(messages[2]!.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(messages[6]!.html).toContain('href="http://localhost:3000/confirm-email?undo=1&amp;token=abc"');
  });

  it("says how long each link works, in words", () => {
    expect(messages[0]!.text).toContain("The link works once, for one hour.");
    expect(messages[2]!.text).toContain("The link works for 2 days.");
    expect(messages[4]!.text).toContain("The link works for 24 hours.");
    expect(messages[6]!.text).toContain("The link works for 7 days.");
  });

  it("gives no link to an address that has no account or belongs to another", () => {
    expect(messages[1]!.text).not.toContain("token=");
    expect(messages[5]!.text).not.toContain("token=");
  });
});

describe("single sign-on configuration", () => {
  it("takes all three variables or none, naming the missing ones, and defaults the button's name", () => {
    expect(parseEnv({ OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "site", OIDC_CLIENT_SECRET: "s" }).OIDC_NAME).toBe("Single sign-on");
    expect(() => parseEnv({ OIDC_ISSUER: "https://id.example.com" })).toThrow(/OIDC_CLIENT_ID: must be set too[\s\S]*OIDC_CLIENT_SECRET: must be set too/);
    expect(() => parseEnv({ OIDC_ISSUER: "not a url", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "b" })).toThrow(/OIDC_ISSUER/);
    expect(parseEnv({}).OIDC_ISSUER).toBeUndefined();
  });
});
