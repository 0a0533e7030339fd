import { describe, expect, it } from "vitest";
import { commentHtmlToText, htmlToPlainText, postHtmlToMarkdown, wpautop } from "@/lib/porting/import-html";

describe("wpautop", () => {
  it("makes paragraphs of blank-line separated text and <br> of single line breaks", () => {
    expect(wpautop("One\ntwo\n\nThree")).toBe("<p>One<br />\ntwo</p>\n<p>Three</p>");
  });

  it("leaves block elements, list items and <pre> alone", () => {
    expect(wpautop("Intro\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<pre>x\n\ny</pre>\nEnd")).toBe(
      "<p>Intro</p>\n<ul>\n<li>\na\n</li>\n<li>\nb\n</li>\n</ul>\n<pre>x\n\ny</pre>\n<p>End</p>",
    );
  });

  it("keeps the block editor's own paragraphs", () => {
    expect(wpautop("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->")).toBe("<p>\nHi\n</p>");
    expect(postHtmlToMarkdown("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->")).toBe("Hi");
  });

  it("makes paragraphs inside a blockquote", () => {
    expect(wpautop("<blockquote>One\n\nTwo</blockquote>")).toBe("<blockquote>\n<p>One</p>\n<p>Two</p>\n</blockquote>");
  });
});

describe("post HTML to markdown", () => {
  it("keeps paragraphs, emphasis, links, lists, images and code", () => {
    const md = postHtmlToMarkdown('Hello <strong>bold</strong> and <em>it</em>.\n\nA <a href="https://example.org">link</a>.\n\n<ol><li>one</li><li>two</li></ol>\n\n<img src="https://example.org/a.jpg" alt="A cat" />\n\n<pre><code>let x = 1;</code></pre>');
    expect(md).toBe("Hello **bold** and _it_.\n\nA [link](https://example.org).\n\n1.  one\n2.  two\n\n![A cat](https://example.org/a.jpg)\n\n```\nlet x = 1;\n```");
  });

  it("converts tables and strikethrough (GFM)", () => {
    expect(postHtmlToMarkdown("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>")).toBe("| A   |\n| --- |\n| 1   |");
    expect(postHtmlToMarkdown("<del>gone</del>")).toBe("~~gone~~");
  });

  it("drops scripts and styles, turns an embed into a link, unwraps [caption]", () => {
    expect(postHtmlToMarkdown('<script>alert(1)</script><style>p{}</style>Text<iframe src="https://www.youtube.com/embed/x"></iframe>')).toBe("Text\n\n[Embedded content](https://www.youtube.com/embed/x)");
    expect(postHtmlToMarkdown('[caption id="a" align="alignnone"]<img src="https://e.org/p.jpg" alt="P" /> The caption[/caption]')).toBe("![P](https://e.org/p.jpg) The caption");
  });

  it("keeps odd characters and escapes markdown in text", () => {
    expect(postHtmlToMarkdown("Emoji 👩‍💻, RTL שלום, 2 * 3 = 6, ]]> end")).toBe("Emoji 👩‍💻, RTL שלום, 2 \\* 3 = 6, \\]\\]> end");
    expect(postHtmlToMarkdown("")).toBe("");
  });
});

describe("comment HTML to stored text", () => {
  it("takes plain text as it is", () => {
    expect(commentHtmlToText("Just *text*\n\nwith two paragraphs")).toBe("Just *text*\n\nwith two paragraphs");
  });

  it("keeps link addresses as text, drops tags, decodes entities, keeps line breaks", () => {
    expect(commentHtmlToText('See <a href="https://example.org/x">this</a> &amp; <b>that</b>\nnext line\n\nnew paragraph')).toBe(
      "See this (https://example.org/x) & that\nnext line\n\nnew paragraph",
    );
    expect(commentHtmlToText('<a href="https://example.org">https://example.org</a>')).toBe("https://example.org");
    expect(commentHtmlToText('<a href="javascript:alert(1)">click</a> &lt;script&gt;')).toBe("click <script>");
  });

  it("keeps a quote as a quote and list items as lines", () => {
    expect(commentHtmlToText("<blockquote>Quoted</blockquote>Reply &#8212; yes")).toBe("> Quoted\n\nReply — yes");
    expect(commentHtmlToText("<ul><li>a</li><li>b</li></ul>")).toBe("- a\n- b");
  });

  it("makes an excerpt one line of plain text", () => {
    expect(htmlToPlainText("<p>The <em>first</em> post</p>\n<p>&amp; more</p>")).toBe("The first post & more");
  });
});
