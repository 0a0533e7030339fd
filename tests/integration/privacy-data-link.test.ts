/**
 * A guest asks for a link to their comments (/my-data): the answer is the same
 * whether or not the address has comments; a link is mailed only to an
 * address that has some, signed and naming it; asking again soon queues no
 * second message; and asks are limited per address and per network.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox, rateLimits } from "@/db/schema";
import { getDb } from "@/lib/db";
import { DATA_LINK_LIMITS, DATA_LINK_PERIOD_MS, DATA_LINK_SENT, MAIL_OFF, requestDataLink } from "@/lib/privacy/link-request";
import { checkDataLinkToken } from "@/lib/privacy/signed-link";
import { createArticle, createComment } from "../support/factories";

const previousSmtp = process.env.SMTP_URL;
beforeAll(() => {
  process.env.SMTP_URL = "smtp://127.0.0.1:2525";
});
afterAll(() => {
  if (previousSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = previousSmtp;
});

const mailTo = async (address: string) => (await getDb().select().from(mailOutbox)).filter((m) => m.toAddress === address);
const linkIn = (text: string) => {
  const match = /http:\/\/localhost:3000\/my-data\/link\?token=(\S+)/.exec(text);
  if (!match) throw new Error(`no link in ${text}`);
  return decodeURIComponent(match[1]!);
};

describe("asking for a data link", () => {
  it("answers the same for an address with comments and one without, and mails a signed link only to the first", async () => {
    const article = await createArticle();
    await createComment(article.id, { authorEmail: "known@example.com" });
    // At the start of a period (the dedupe key's window), so the ask a second later is in the same one.
    const now = Math.floor(Date.now() / DATA_LINK_PERIOD_MS) * DATA_LINK_PERIOD_MS + 1_000;
    const known = await requestDataLink("Known@Example.com", "198.51.100.1", getDb(), now);
    const unknown = await requestDataLink("nobody@example.com", "198.51.100.1", getDb(), now);
    expect(known).toEqual({ status: "sent", message: DATA_LINK_SENT, fieldError: null, email: "Known@Example.com" });
    expect(unknown).toEqual({ status: "sent", message: DATA_LINK_SENT, fieldError: null, email: "nobody@example.com" });

    expect(await mailTo("nobody@example.com")).toEqual([]);
    const [mail] = await mailTo("known@example.com");
    expect(mail).toMatchObject({ kind: "data_link", state: "pending", subject: "Your comments on The Newsroom" });
    expect(mail!.dedupeKey).not.toContain("known");
    const link = checkDataLinkToken(linkIn(mail!.textBody), now + 1000);
    expect(link).toMatchObject({ valid: true, email: "known@example.com" });
    expect(checkDataLinkToken(linkIn(mail!.textBody), now + 24 * 3_600_000 + 1)).toEqual({ valid: false, reason: "expired" });
    expect(mail!.htmlBody).toContain("/my-data/link?token=");

    // Asking again within the period queues nothing new; after it, a new link.
    await requestDataLink("known@example.com", "198.51.100.2", getDb(), now + 1000);
    expect(await mailTo("known@example.com")).toHaveLength(1);
    await requestDataLink("known@example.com", "198.51.100.2", getDb(), now + DATA_LINK_PERIOD_MS);
    expect(await mailTo("known@example.com")).toHaveLength(2);

    // The counters hold no address.
    const keys = (await getDb().select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key).join(" ");
    expect(keys).toContain("data-link-address:");
    expect(keys).not.toContain("known");
    expect(keys).not.toContain("nobody");
  });

  it("limits asks per address, whoever asks, known or not", async () => {
    for (const address of ["limited-known@example.com", "limited-unknown@example.com"]) {
      if (address.includes("known@")) await createComment((await createArticle()).id, { authorEmail: address });
      for (let i = 0; i < DATA_LINK_LIMITS.perAddress; i++) {
        expect((await requestDataLink(address, `192.0.2.${10 + i}`)).status).toBe("sent");
      }
      const refused = await requestDataLink(address, "192.0.2.50");
      expect(refused.status).toBe("limited");
      expect(refused.message).toMatch(/^Too many links were asked for this address recently\. Try again in \d+ minutes?\.$/);
    }
  });

  it("limits asks per network", async () => {
    for (let i = 0; i < DATA_LINK_LIMITS.perNetwork; i++) {
      expect((await requestDataLink(`net${i}@example.com`, "203.0.113.77")).status).toBe("sent");
    }
    const refused = await requestDataLink("net-last@example.com", "203.0.113.77");
    expect(refused).toMatchObject({ status: "limited", email: "net-last@example.com" });
    expect(refused.message).toContain("from your network");
    // Another network is not affected.
    expect((await requestDataLink("net-last@example.com", "203.0.113.78")).status).toBe("sent");
  });

  it("refuses a malformed address with the text kept, and says so when mail is off", async () => {
    expect(await requestDataLink("not an address", "192.0.2.200")).toMatchObject({
      status: "invalid",
      email: "not an address",
      fieldError: "Enter a valid email address, like name@example.com.",
    });
    expect((await requestDataLink("a\u0000b@example.com", "192.0.2.200")).fieldError).toMatch(/NUL/);
    expect((await requestDataLink("x".repeat(5000), "192.0.2.200")).status).toBe("invalid");

    const article = await createArticle();
    await createComment(article.id, { authorEmail: "offline@example.com" });
    delete process.env.SMTP_URL;
    try {
      expect(await requestDataLink("offline@example.com", "192.0.2.201")).toEqual({
        status: "mail_off",
        message: MAIL_OFF,
        fieldError: null,
        email: "offline@example.com",
      });
    } finally {
      process.env.SMTP_URL = "smtp://127.0.0.1:2525";
    }
    expect(await getDb().select().from(mailOutbox).where(eq(mailOutbox.toAddress, "offline@example.com"))).toEqual([]);
  });
});
