import { describe, expect, it } from "vitest";
import { commentFields, commentTypeSkip, linkKey, mapCommentApproved, mapPostStatus, parseRssDate, parseWpDate } from "@/lib/porting/import-mappings";
import { addSkip, emptyReport, formatReport, MAX_LISTED } from "@/lib/porting/import-report";

const author = { name: "Reader", email: "reader@example.org", url: "", ip: "203.0.113.9", userAgent: "UA" };

describe("WordPress statuses", () => {
  it("maps post statuses, and skips the ones that are not articles with a reason", () => {
    expect(mapPostStatus("publish")).toEqual({ status: "published" });
    expect(mapPostStatus("pending")).toEqual({ status: "in_review" });
    for (const s of ["draft", "future", "private"]) expect(mapPostStatus(s)).toEqual({ status: "draft" });
    expect(mapPostStatus("trash")).toEqual({ skip: "post in the WordPress trash" });
    expect(mapPostStatus("auto-draft")).toEqual({ skip: "automatic draft (never saved by its author)" });
    expect(mapPostStatus("inherit")).toEqual({ skip: "revision or attachment (status inherit)" });
    expect(mapPostStatus("odd")).toEqual({ skip: 'unknown post status "odd"' });
  });

  it("maps comment_approved to the four comment statuses", () => {
    expect(mapCommentApproved("1")).toEqual({ status: "approved" });
    expect(mapCommentApproved("0")).toEqual({ status: "pending" });
    expect(mapCommentApproved("spam")).toEqual({ status: "spam" });
    expect(mapCommentApproved("trash")).toEqual({ status: "trash" });
    expect(mapCommentApproved("post-trashed")).toEqual({ status: "trash" });
    expect(mapCommentApproved("2")).toEqual({ skip: 'unknown comment status "2"' });
  });

  it("imports comments only: pingbacks, trackbacks and other types are skipped", () => {
    expect(commentTypeSkip("")).toBeNull();
    expect(commentTypeSkip("comment")).toBeNull();
    expect(commentTypeSkip("pingback")).toBe("pingback (pingbacks and trackbacks are not imported)");
    expect(commentTypeSkip("trackback")).toBe("trackback (pingbacks and trackbacks are not imported)");
    expect(commentTypeSkip("note")).toBe('comment type "note" (only comments are imported)');
  });
});

describe("WordPress dates", () => {
  it("reads DATETIME text as UTC and refuses WordPress's zero date and impossible dates", () => {
    expect(parseWpDate("2024-01-05 09:03:07")?.toISOString()).toBe("2024-01-05T09:03:07.000Z");
    expect(parseWpDate("0000-00-00 00:00:00")).toBeNull();
    expect(parseWpDate("2024-02-30 10:00:00")).toBeNull();
    expect(parseWpDate("yesterday")).toBeNull();
    expect(parseWpDate("")).toBeNull();
  });

  it("reads an RSS pubDate", () => {
    expect(parseRssDate("Fri, 05 Jan 2024 09:03:07 +0000")?.toISOString()).toBe("2024-01-05T09:03:07.000Z");
    expect(parseRssDate("not a date")).toBeNull();
  });
});

describe("comment fields and the product's limits", () => {
  it("keeps what fits, with the IP's address key", () => {
    const r = commentFields("Hello\r\nthere", { ...author, ip: "2001:db8:0:0:1::7", url: "https://reader.example.org" });
    expect(r).toEqual({
      ok: true,
      notes: [],
      fields: {
        authorName: "Reader",
        authorEmail: "reader@example.org",
        authorUrl: "https://reader.example.org",
        content: "Hello\nthere",
        ip: "2001:db8::1:0:0:7",
        ipKey: "2001:db8:0:0::/64",
        userAgent: "UA",
      },
    });
  });

  it("skips, with the reason, what is over a limit: never cut short", () => {
    expect(commentFields("x".repeat(65_525), author).ok).toBe(true);
    expect(commentFields("x".repeat(65_526), author)).toEqual({ ok: false, reason: "text too long (65,526 characters; at most 65,525)" });
    expect(commentFields("hi", { ...author, name: "n".repeat(245) }).ok).toBe(true);
    expect(commentFields("hi", { ...author, name: "n".repeat(246) })).toEqual({ ok: false, reason: "author name too long (246 characters; at most 245)" });
    expect(commentFields("hi", { ...author, email: `${"e".repeat(89)}@example.org` })).toEqual({ ok: false, reason: "author email too long (101 characters; at most 100)" });
    expect(commentFields("hi", { ...author, name: "Ali\u202Ece" })).toEqual({ ok: false, reason: "author name contains an invisible or control character (U+202E)" });
    expect(commentFields("   ", author)).toEqual({ ok: false, reason: "empty comment" });
    expect(commentFields("hi", { ...author, userAgent: "A\u0000B" })).toEqual({ ok: false, reason: "the author's user agent contains a NUL character (U+0000)" });
  });

  it("leaves out a website that is not an http(s) address of at most 200 characters, and says so", () => {
    const long = commentFields("hi", { ...author, url: `https://example.org/${"a".repeat(181)}` });
    expect(long).toMatchObject({ ok: true, fields: { authorUrl: "" }, notes: ["website left out: longer than 200 characters"] });
    expect(commentFields("hi", { ...author, url: `https://example.org/${"a".repeat(180)}` })).toMatchObject({ ok: true, notes: [] });
    expect(commentFields("hi", { ...author, url: "javascript:alert(1)" })).toMatchObject({ ok: true, fields: { authorUrl: "" }, notes: ["website left out: not an http(s) address"] });
    expect(commentFields("hi", { ...author, url: "http://" })).toMatchObject({ ok: true, fields: { authorUrl: "" }, notes: [] });
  });

  it("removes control characters from the text as the comment form does, and names anonymous authors", () => {
    expect(commentFields("a\u0000b\u202Ec\u200Dd", { ...author, name: "" })).toMatchObject({ ok: true, fields: { content: "abc\u200Dd", authorName: "Anonymous" } });
    expect(commentFields("hi", { ...author, ip: "unknown" })).toMatchObject({ ok: true, fields: { ip: "", ipKey: "" } });
  });
});

describe("permalinks", () => {
  it("keys a link without scheme, www., fragment or trailing slash", () => {
    expect(linkKey("https://www.Example.com/2024/03/hello/#comments")).toBe("link:example.com/2024/03/hello");
    expect(linkKey("http://example.com/?p=12")).toBe("link:example.com?p=12");
    expect(linkKey("mailto:someone@example.com")).toBeNull();
    expect(linkKey("not a url")).toBeNull();
  });
});

describe("the report", () => {
  it("counts every skip by reason but lists at most MAX_LISTED", () => {
    const report = emptyReport("wxr", "wxr:https://example.com");
    for (let i = 0; i < MAX_LISTED + 5; i++) addSkip(report, { kind: "comment", externalId: String(i), reason: "pingback" });
    expect(report.comments.skipped).toBe(MAX_LISTED + 5);
    expect(report.skipped).toHaveLength(MAX_LISTED);
    expect(report.skippedNotListed).toBe(5);
    expect(report.skippedByReason).toEqual({ pingback: MAX_LISTED + 5 });
    expect(formatReport(report)).toContain("  1,005 × pingback");
    expect(formatReport(report)).toContain("… and 5 more");
  });
});
