import sax from "sax";
import { describe, expect, it } from "vitest";
import { buildCommentFeedXml, cdata, commentHtml, siteCommentFeed, xmlText, type CommentFeedItem } from "@/lib/comments/feed";

type Parsed = { channel: Record<string, string>; items: Record<string, string>[] };

/** Parses RSS with a strict XML parser (it throws on anything not well-formed): the channel's and items' text. */
function parseRss(xml: string): Parsed {
  const parser = sax.parser(true, {});
  const out: Parsed = { channel: {}, items: [] };
  const stack: string[] = [];
  let text = "";
  parser.onerror = (error) => {
    throw error;
  };
  parser.onopentag = (tag) => {
    stack.push(tag.name);
    text = "";
    if (tag.name === "item") out.items.push({});
  };
  parser.ontext = (t) => {
    text += t;
  };
  parser.oncdata = (t) => {
    text += t;
  };
  parser.onclosetag = (name) => {
    stack.pop();
    const parent = stack[stack.length - 1];
    if (parent === "item") out.items[out.items.length - 1]![name] = text;
    else if (parent === "channel") out.channel[name] = text;
    text = "";
  };
  parser.write(xml).close();
  return out;
}

const item = (over: Partial<CommentFeedItem> = {}): CommentFeedItem => ({
  id: 7,
  articleTitle: "Guns & <roses>",
  authorName: "Ada",
  content: "Hello",
  createdAt: new Date(Date.UTC(2026, 10, 29, 6, 56, 48)),
  link: "http://localhost:3000/articles/a-b?cpage=2#comment-7",
  guid: "http://localhost:3000/articles/a-b#comment-7",
  ...over,
});

describe("the comments feed's XML", () => {
  it("names each comment after its article and author, with its permalink, guid, date and creator", () => {
    const xml = buildCommentFeedXml(siteCommentFeed([item()]));
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    const { channel, items } = parseRss(xml);
    expect(channel.title).toBe("Comments on The Newsroom");
    expect(channel.lastBuildDate).toBe("Sun, 29 Nov 2026 06:56:48 GMT");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      title: "Comment on Guns & <roses> by Ada",
      link: "http://localhost:3000/articles/a-b?cpage=2#comment-7",
      guid: "http://localhost:3000/articles/a-b#comment-7",
      pubDate: "Sun, 29 Nov 2026 06:56:48 GMT",
      "dc:creator": "Ada",
      description: "<p>Hello</p>",
    });
    expect(xml).toContain('<guid isPermaLink="false">');
    expect(xml).toContain("<title>Comment on Guns &amp; &lt;roses&gt; by Ada</title>");
  });

  it("never lets a comment's markup through as HTML", () => {
    const content = `<script>alert("x")</script> <img src=x onerror=alert(1)> & done`;
    const { items } = parseRss(buildCommentFeedXml(siteCommentFeed([item({ content, authorName: "<b>Mallory</b>" })])));
    // The description is HTML for the feed reader: the comment's text, escaped.
    expect(items[0]!.description).toBe(
      "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &amp; done</p>",
    );
    expect(items[0]!["dc:creator"]).toBe("<b>Mallory</b>");
    expect(items[0]!.title).toBe("Comment on Guns & <roses> by <b>Mallory</b>");
  });

  it("stays well-formed XML with odd characters: ]]>, emoji, control characters, lone surrogates", () => {
    const content = "end ]]> of CDATA? ]]]]> 🎉 naïve\u0001\u0008\u000b\u001f \ud800 tail\ufffe";
    const xml = buildCommentFeedXml(siteCommentFeed([item({ content, authorName: "Zoë 🐙\u0002", articleTitle: "A ]]> title\u0007" })]));
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    const { items } = parseRss(xml);
    expect(items[0]!.description).toBe("<p>end ]]&gt; of CDATA? ]]]]&gt; 🎉 naïve  tail</p>");
    expect(items[0]!["dc:creator"]).toBe("Zoë 🐙");
    expect(items[0]!.title).toBe("Comment on A ]]> title by Zoë 🐙");
  });

  it("keeps paragraphs and line breaks", () => {
    expect(commentHtml("One\r\nline two\n\n\nPara two\n")).toBe("<p>One<br>\nline two</p>\n<p>Para two</p>");
  });

  it("lists nothing for a thread without comments, and is still a valid feed", () => {
    const xml = buildCommentFeedXml(siteCommentFeed([]));
    const { channel, items } = parseRss(xml);
    expect(items).toEqual([]);
    expect(channel.lastBuildDate).toBeUndefined();
    expect(channel.link).toBe("http://localhost:3000/");
  });
});

describe("CDATA and XML text", () => {
  it("splits ]]> across two sections, so the text reads back exactly", () => {
    expect(cdata("a]]>b")).toBe("<![CDATA[a]]]]><![CDATA[>b]]>");
    const parsed = parseRss(`<rss><channel><title>${cdata("a]]>b]]>]]>c")}</title></channel></rss>`);
    expect(parsed.channel.title).toBe("a]]>b]]>]]>c");
  });

  it("escapes markup and keeps astral characters whole", () => {
    expect(xmlText(`<a href="x">&'🎉'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;🎉&apos;&lt;/a&gt;");
    expect(xmlText("a\udc00b\ud83d")).toBe("ab");
  });
});
