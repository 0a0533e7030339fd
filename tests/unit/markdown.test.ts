import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/articles/markdown";

describe("renderMarkdown", () => {
  it("renders headings, paragraphs, quotes and links", () => {
    const html = renderMarkdown(
      "## A heading\n\nFirst paragraph with [a link](https://example.org).\n\n> A quote\n",
    );
    expect(html).toContain("<h2>A heading</h2>");
    expect(html).toContain('<p>First paragraph with <a href="https://example.org">a link</a>.</p>');
    expect(html).toMatch(/<blockquote>\s*<p>A quote<\/p>\s*<\/blockquote>/);
  });

  it("drops raw HTML, scripts and event handlers", () => {
    const html = renderMarkdown(
      'Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> <b onclick="x()">bold</b>',
    );
    expect(html).not.toMatch(/<script|onerror|onclick|<img/i);
    expect(html).toContain("Hello");
  });

  it("removes javascript: links but keeps their text", () => {
    const html = renderMarkdown("[click me](javascript:alert(1))");
    expect(html).not.toContain("javascript:");
    expect(html).toContain("click me");
  });
});
