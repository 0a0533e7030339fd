import { describe, expect, it } from "vitest";
import { buildRssFeed, escapeXml } from "@/lib/articles/feed";

describe("escapeXml", () => {
  it("escapes markup characters and drops characters XML forbids", () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>\u0001`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;",
    );
  });
});

describe("buildRssFeed", () => {
  it("lists each article with an absolute link, escaped title and RFC 822 date", () => {
    const xml = buildRssFeed([
      {
        id: 1,
        slug: "a-b",
        title: "Guns & <roses>",
        summary: "",
        source: "Wire",
        publishedAt: new Date(Date.UTC(2018, 6, 17, 9)),
        commentCount: 0,
      },
    ]);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    expect(xml).toContain("<title>Guns &amp; &lt;roses&gt;</title>");
    expect(xml).toContain("<link>http://localhost:3000/articles/a-b</link>");
    expect(xml).toContain("<pubDate>Tue, 17 Jul 2018 09:00:00 GMT</pubDate>");
    expect(xml).not.toContain("<description></description>");
  });

  it("is a valid empty channel when nothing is published", () => {
    const xml = buildRssFeed([]);
    expect(xml).toContain("<channel>");
    expect(xml).not.toContain("<item>");
    expect(xml).not.toContain("lastBuildDate");
  });
});
