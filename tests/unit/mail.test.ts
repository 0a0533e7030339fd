import { describe, expect, it } from "vitest";
import { isPermanentSmtpFailure, mailRetryDelayMs } from "@/lib/jobs/mail-outbox";
import { digestPeriod } from "@/lib/mail/digest";
import { escapeHtml, excerpt, heldDigest, replyNotification } from "@/lib/mail/messages";
import { describeSmtpUrl, withDefaults } from "@/lib/mail/transport";

const notice = {
  siteName: "The Newsroom",
  articleTitle: "Floods\r\nBcc: victim@example.com",
  parentAuthor: "Ada <script>",
  parentExcerpt: "Spring floods…",
  replyAuthor: "Bo & Co",
  replyContent: "First line\n\nSecond <img src=x onerror=alert(1)>",
  replyUrl: "http://localhost:3000/comments/7",
  unsubscribeUrl: "http://localhost:3000/unsubscribe?token=replies%3A3.abc",
};

describe("reply notification", () => {
  it("keeps the subject on one line, whatever the title holds", () => {
    const { subject } = replyNotification(notice);
    expect(subject).toBe("Bo & Co replied to your comment on “Floods Bcc: victim@example.com”");
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it("quotes the reply in the text part and escapes every person's words in the HTML part", () => {
    const { text, html } = replyNotification(notice);
    expect(text).toContain("> First line\n> \n> Second <img src=x onerror=alert(1)>");
    expect(text).toContain("Stop these messages: http://localhost:3000/unsubscribe?token=replies%3A3.abc");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>");
    expect(html).toContain("Ada &lt;script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain('href="http://localhost:3000/unsubscribe?token=replies%3A3.abc"');
  });
});

describe("held digest", () => {
  const base = {
    siteName: "The Newsroom",
    moderatorName: "Mo",
    period: "hourly" as const,
    from: new Date("2026-12-02T11:00:00Z"),
    to: new Date("2026-12-02T12:00:00Z"),
    queueUrl: "http://localhost:3000/moderation?queue=pending",
    accountUrl: "http://localhost:3000/account",
    unsubscribeUrl: "http://localhost:3000/unsubscribe?token=digest%3A1.abc",
  };
  const entry = { author: "Eve <b>", articleTitle: "Budget", reason: "Held: 3 links", excerpt: "buy now", createdAt: new Date() };

  it("counts in the subject and lists the entries, saying how many more there are", () => {
    const one = heldDigest({ ...base, total: 1, entries: [entry] });
    expect(one.subject).toBe("1 comment held for moderation on The Newsroom");
    expect(one.text).toContain("between 2026-12-02 11:00 UTC and 2026-12-02 12:00 UTC and is still waiting");
    const many = heldDigest({ ...base, total: 25, entries: [entry, entry] });
    expect(many.subject).toBe("25 comments held for moderation on The Newsroom");
    expect(many.text).toContain("… and 23 more.");
    expect(many.html).toContain("Eve &lt;b&gt;");
  });

  it("takes the last whole period before now", () => {
    expect(digestPeriod("hourly", new Date("2026-12-02T12:30:00Z"))).toEqual({
      from: new Date("2026-12-02T11:00:00Z"),
      to: new Date("2026-12-02T12:00:00Z"),
    });
    expect(digestPeriod("daily", new Date("2026-12-02T00:00:00Z"))).toEqual({
      from: new Date("2026-12-01T00:00:00Z"),
      to: new Date("2026-12-02T00:00:00Z"),
    });
  });
});

describe("text helpers", () => {
  it("escapes HTML and cuts excerpts at a character", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(excerpt("one\n two   three", 100)).toBe("one two three");
    expect(excerpt("😀😀😀😀", 3)).toBe("😀😀…");
  });
});

describe("SMTP transport", () => {
  it("adds pooling and timeouts to SMTP_URL without overriding the operator's own", () => {
    const url = new URL(withDefaults("smtp://u:p%40ss@mail.example.com:587?socketTimeout=5000"));
    expect(url.searchParams.get("pool")).toBe("true");
    expect(url.searchParams.get("connectionTimeout")).toBe("10000");
    expect(url.searchParams.get("socketTimeout")).toBe("5000");
    expect(url.password).toBe("p%40ss");
  });

  it("never shows the password", () => {
    expect(describeSmtpUrl("smtp://user:secret@mail.example.com:587")).toBe("smtp://user:****@mail.example.com:587");
    expect(describeSmtpUrl(undefined)).toBeNull();
  });

  it("tells permanent refusals from temporary ones and backs off", () => {
    expect(isPermanentSmtpFailure({ responseCode: 550 })).toBe(true);
    expect(isPermanentSmtpFailure({ responseCode: 451 })).toBe(false);
    expect(isPermanentSmtpFailure(new Error("ECONNREFUSED"))).toBe(false);
    expect([1, 2, 3, 8, 20].map(mailRetryDelayMs)).toEqual([60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
  });
});
