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

describe("renderMarkdown: GitHub-flavoured markdown (imported posts keep tables and strikethrough)", () => {
  it("renders a table with header and body cells, keeping column alignment", () => {
    const html = renderMarkdown("| Year | Readers |\n| :--- | ---: |\n| 2023 | 1,200 |\n");
    expect(html).toMatch(/<table>\s*<thead>\s*<tr>\s*<th align="left">Year<\/th>\s*<th align="right">Readers<\/th>\s*<\/tr>\s*<\/thead>/);
    expect(html).toMatch(/<tbody>\s*<tr>\s*<td align="left">2023<\/td>\s*<td align="right">1,200<\/td>\s*<\/tr>\s*<\/tbody>\s*<\/table>/);
  });

  it("renders ~~strikethrough~~ as <del>", () => {
    expect(renderMarkdown("An ~~old~~ new point")).toBe("<p>An <del>old</del> new point</p>");
  });

  it("sanitizes a hostile table cell like any other markdown", () => {
    const html = renderMarkdown(
      '| A | B | C |\n| - | - | - |\n| <script>alert(1)</script> | [click](javascript:alert(2)) | <img src=x onerror="alert(3)"> ![i](javascript:alert(4)) |\n',
    );
    expect(html).toContain("<table>");
    expect(html).not.toMatch(/<script|javascript:|onerror|<img[^>]*src="?x/i);
    expect(html).toMatch(/<td><a>click<\/a><\/td>/);
  });

  it("renders task lists with checkboxes a reader cannot tick", () => {
    const html = renderMarkdown("- [x] done\n- [ ] to do\n");
    expect(html).toContain('<ul class="contains-task-list">');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" checked disabled> done</li>');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled> to do</li>');
  });

  it("links bare web addresses, only with safe protocols", () => {
    const html = renderMarkdown("See www.example.com, https://example.org/x and javascript:alert(1).");
    expect(html).toContain('<a href="http://www.example.com">www.example.com</a>');
    expect(html).toContain('<a href="https://example.org/x">https://example.org/x</a>');
    expect(html).not.toContain('href="javascript:');
  });

  it("keeps footnote links pointing at their footnotes", () => {
    const html = renderMarkdown("A claim.[^1]\n\n[^1]: The source.\n");
    const href = /<sup><a href="#([^"]+)"/.exec(html)?.[1];
    expect(href).toBe("user-content-fn-1");
    expect(html).toContain(`<li id="${href}">`);
    const back = /<a href="#([^"]+)" data-footnote-backref/.exec(html)?.[1];
    expect(html).toContain(`id="${back}"`);
  });
});
