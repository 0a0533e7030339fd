import { describe, expect, it } from "vitest";
import {
  exportFileName,
  rssDate,
  wxrCommentApproved,
  wxrDate,
  wxrHtmlText,
  wxrPostStatus,
} from "@/lib/porting/wxr-export-format";
import { cdata, coalesce, element, escapeAttribute, escapeText, stripInvalidXml } from "@/lib/porting/xml-writer";
import { parseXml, textOf } from "../support/xml-tree";

const readBack = (inner: string) => textOf(parseXml(`<r><x>${inner}</x></r>`).children[0]!, "x");

describe("cdata (like WordPress's wxr_cdata)", () => {
  it("wraps text in one section", () => {
    expect(cdata("Tom & <Jerry>")).toBe("<![CDATA[Tom & <Jerry>]]>");
  });

  it("splits a ]]> inside across two sections, which a parser joins back", () => {
    expect(cdata("a]]>b")).toBe("<![CDATA[a]]]]><![CDATA[>b]]>");
    expect(cdata("]]>]]>")).toBe("<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>");
    for (const text of ["a]]>b", "]]>", "x]]]>y", "]]>]]>", "end]]"]) {
      expect(readBack(cdata(text))).toBe(text);
    }
  });

  it("drops characters XML 1.0 forbids, even inside CDATA", () => {
    expect(cdata("a\u0001b\u001Fc")).toBe("<![CDATA[abc]]>");
    expect(readBack(cdata("ok\u0000\u000B\uFFFE\uFFFF!"))).toBe("ok!");
  });
});

describe("stripInvalidXml", () => {
  it("keeps tab, newlines, emoji, RTL and other scripts; drops controls, lone surrogates and non-characters", () => {
    const kept = "tab\there\nline\r\n😀 שלום مرحبا 日本 \u200F\uE000\uFFFD";
    expect(stripInvalidXml(kept)).toBe(kept);
    expect(stripInvalidXml("a\u0000b\u0008c\u000Bd\u000Ce\u001Ff")).toBe("abcdef");
    expect(stripInvalidXml("lone \uD800 high, lone \uDC00 low, pair \uD83D\uDE00")).toBe("lone  high, lone  low, pair 😀");
    expect(stripInvalidXml("\uFFFE\uFFFF")).toBe("");
  });
});

describe("escapeText and escapeAttribute", () => {
  it("writes &, < and > as entities in text, and quotes too in attributes", () => {
    expect(escapeText(`Fish & <chips> "quoted" 'single'`)).toBe(`Fish &amp; &lt;chips&gt; "quoted" 'single'`);
    expect(escapeAttribute(`a&b<c>"d"'e'`)).toBe("a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;");
  });

  it("reads back as the same text, an attribute too", () => {
    const text = `if a < b && c > d then "yes" 'no' ]]> 😀`;
    expect(textOf(parseXml(`<r>${element("x", text)}</r>`).children[0]!, "x")).toBe(text);
    expect(parseXml(`<r a="${escapeAttribute(text)}"/>`).children[0]!.attributes.a).toBe(text);
  });

  it("element() writes numbers as they are and text in CDATA when asked", () => {
    expect(element("wp:post_id", 42)).toBe("<wp:post_id>42</wp:post_id>");
    expect(element("title", "A & B", { cdata: true })).toBe("<title><![CDATA[A & B]]></title>");
    expect(element("link", "http://x/?a=1&b=2")).toBe("<link>http://x/?a=1&amp;b=2</link>");
  });
});

describe("coalesce", () => {
  it("joins small pieces into chunks of at least the size, losing nothing", async () => {
    async function* pieces() {
      for (let i = 0; i < 100; i++) yield `${i},`;
    }
    const chunks: string[] = [];
    for await (const chunk of coalesce(pieces(), 50)) chunks.push(chunk);
    expect(chunks.join("")).toBe(Array.from({ length: 100 }, (_, i) => `${i},`).join(""));
    expect(chunks.length).toBeLessThan(10);
    expect(chunks.slice(0, -1).every((c) => c.length >= 50)).toBe(true);
  });
});

describe("WXR mappings", () => {
  it("article statuses: published → publish, in review → pending, draft → draft", () => {
    expect(wxrPostStatus("published")).toBe("publish");
    expect(wxrPostStatus("in_review")).toBe("pending");
    expect(wxrPostStatus("draft")).toBe("draft");
  });

  it("comment statuses: approved → 1, held → 0, spam and trash as words", () => {
    expect(wxrCommentApproved("approved")).toBe("1");
    expect(wxrCommentApproved("pending")).toBe("0");
    expect(wxrCommentApproved("spam")).toBe("spam");
    expect(wxrCommentApproved("trash")).toBe("trash");
  });

  it("dates: MySQL DATETIME in UTC, and RSS pubDate with +0000", () => {
    const date = new Date(Date.UTC(2024, 0, 5, 9, 3, 7, 999));
    expect(wxrDate(date)).toBe("2024-01-05 09:03:07");
    expect(rssDate(date)).toBe("Fri, 05 Jan 2024 09:03:07 +0000");
    expect(wxrDate(new Date(Date.UTC(2018, 11, 31, 23, 59, 59)))).toBe("2018-12-31 23:59:59");
    expect(rssDate(new Date(Date.UTC(2018, 6, 17, 9)))).toBe("Tue, 17 Jul 2018 09:00:00 +0000");
  });

  it("plain text becomes WordPress's HTML text (titles, excerpts, comments): markup characters as entities, line breaks kept", () => {
    expect(wxrHtmlText("a <b>bold</b> & more\nsecond line")).toBe("a &lt;b&gt;bold&lt;/b&gt; &amp; more\nsecond line");
    expect(wxrHtmlText("&amp; stays literal")).toBe("&amp;amp; stays literal");
    expect(wxrHtmlText("“quotes” 'single' \"double\" 😀")).toBe("“quotes” 'single' \"double\" 😀");
  });

  it("file names carry the date", () => {
    const now = new Date(Date.UTC(2026, 11, 2, 23, 30));
    expect(exportFileName("wxr", now)).toBe("newsroom.WordPress.2026-12-02.xml");
    expect(exportFileName("json", now)).toBe("newsroom.export.2026-12-02.json");
  });
});
