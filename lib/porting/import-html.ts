/**
 * WordPress HTML into this site's stored forms: article bodies become
 * markdown (turndown + GFM tables and strikethrough), comment HTML becomes
 * the plain text comments are stored as (rendered escaped and auto-linked by
 * lib/comments/links.ts). Pure; unit-tested in tests/unit/wxr-html.test.ts.
 */
import { gfm } from "@joplin/turndown-plugin-gfm";
import TurndownService from "turndown";

/** Block-level elements: a paragraph never wraps them (as in WordPress's wpautop). */
const BLOCKS =
  "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|script|noscript|video|audio|object";
/** A block tag, or a kept <pre>/<script>/<style> (private-use placeholder). */
const TOKEN = new RegExp(`(<(?:${BLOCKS})(?:[\\s/][^>]*)?>|</(?:${BLOCKS})\\s*>|\uE000\\d+\uE001)`, "gi");
/** Blocks whose text is made into paragraphs, like the top level. */
const IS_BLOCK_TAG = new RegExp(`^(?:<(?:${BLOCKS})(?:[\\s/][^>]*)?>|</(?:${BLOCKS})\\s*>)$`, "i");
const PARAGRAPH_CONTAINERS = new Set(["blockquote", "div", "section", "article", "aside", "header", "footer", "nav", "details", "figure", "address", "fieldset"]);
const VOID_BLOCKS = new Set(["hr", "col", "area"]);

/**
 * A small wpautop: WordPress stores post text without <p>, and makes
 * paragraphs when it shows it (blank lines between paragraphs, a single line
 * break as <br>). Applied before turndown so the paragraphs survive. Text
 * inside <pre> is left as it is; block-level tags stay outside paragraphs,
 * and text inside list items, table cells, headings and paragraphs is not
 * split again.
 */
export function wpautop(html: string): string {
  // HTML comments carry nothing to show (the block editor's <!-- wp:… -->, <!--more-->).
  let text = html.replace(/\r\n?/g, "\n").replace(/<!--[\s\S]*?-->/g, "");
  if (text.trim() === "") return "";
  const kept: string[] = [];
  text = text.replace(/<(pre|script|style)[\s>][\s\S]*?<\/\1\s*>/gi, (m) => {
    kept.push(m);
    return `\uE000${kept.length - 1}\uE001`;
  });
  const out: string[] = [];
  const stack: string[] = [];
  for (const token of text.split(TOKEN)) {
    if (token === "") continue;
    const kept1 = /^\uE000(\d+)\uE001$/.exec(token);
    if (kept1) {
      out.push(`\n${token}\n`);
      continue;
    }
    const tag = /^<(\/?)([a-z0-9]+)/i.exec(token);
    if (tag && IS_BLOCK_TAG.test(token)) {
      const name = tag[2]!.toLowerCase();
      if (tag[1]) {
        const at = stack.lastIndexOf(name);
        if (at !== -1) stack.length = at;
      } else if (!VOID_BLOCKS.has(name) && !token.endsWith("/>")) {
        stack.push(name);
      }
      out.push(`\n${token}\n`);
      continue;
    }
    const top = stack.at(-1);
    if (top !== undefined && !PARAGRAPH_CONTAINERS.has(top)) {
      out.push(token);
      continue;
    }
    for (const chunk of token.split(/\n\s*\n/)) {
      const piece = chunk.trim();
      if (piece !== "") out.push(`<p>${piece.replace(/\s*\n\s*/g, "<br />\n")}</p>\n`);
    }
  }
  return out
    .join("")
    .replace(/\n{2,}/g, "\n")
    .trim()
    .replace(/\uE000(\d+)\uE001/g, (_, i: string) => kept[Number(i)]!);
}

/** WordPress shortcodes that wrap content: the wrapper goes, the content stays ([caption], [embed]). */
function unwrapShortcodes(html: string): string {
  return html.replace(/\[caption[^\]]*\]([\s\S]*?)\[\/caption\]/gi, "<figure>$1</figure>").replace(/\[embed[^\]]*\]([\s\S]*?)\[\/embed\]/gi, "$1");
}

let postService: TurndownService | null = null;

function postTurndown(): TurndownService {
  if (postService) return postService;
  const service = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-", emDelimiter: "_", hr: "---" });
  service.use(gfm);
  // Never carried over as text: scripts, styles, forms and their controls.
  service.remove(["script", "style", "noscript", "form", "input", "button", "select", "textarea", "object", "embed"]);
  // An embedded player (YouTube, a map…) becomes a link to what it showed: the site renders no iframes.
  service.addRule("iframe", {
    filter: ["iframe"],
    replacement: (_content, node) => {
      const src = (node as HTMLElement).getAttribute("src") ?? "";
      return /^https?:\/\//i.test(src) ? `\n\n[Embedded content](${src})\n\n` : "";
    },
  });
  // <pre> without <code> (what WordPress's editors write) is a code block too.
  service.addRule("plainPre", {
    filter: (node) => node.nodeName === "PRE" && !(node.firstChild && node.firstChild.nodeName === "CODE"),
    replacement: (_content, node) => {
      const code = (node as HTMLElement).textContent ?? "";
      const fence = code.includes("```") ? "~~~~" : "```";
      return `\n\n${fence}\n${code.replace(/\n$/, "")}\n${fence}\n\n`;
    },
  });
  service.addRule("figcaption", {
    filter: ["figcaption"],
    replacement: (content) => `\n\n${content.trim()}\n\n`,
  });
  postService = service;
  return service;
}

/** A WordPress post's HTML (post_content) as the markdown an article body is stored as. */
export function postHtmlToMarkdown(html: string): string {
  const prepared = wpautop(unwrapShortcodes(html));
  if (prepared === "") return "";
  return postTurndown()
    .turndown(prepared)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** An excerpt (or any short HTML) as plain text on one paragraph per line, for an article's summary. */
export function htmlToPlainText(html: string): string {
  return commentHtmlToText(html).replace(/\s*\n\s*/g, " ").trim();
}

let textService: TurndownService | null = null;

/** Inline elements whose text is kept as it is in a comment (their formatting is not). */
const INLINE_TEXT = new Set(
  ["strong", "b", "em", "i", "u", "s", "strike", "del", "ins", "span", "code", "abbr", "acronym", "cite", "q", "sub", "sup", "small", "big", "font", "kbd", "tt", "var", "mark"].map((t) => t.toUpperCase()),
);

function textTurndown(): TurndownService {
  if (textService) return textService;
  const service = new TurndownService({ bulletListMarker: "-", br: "\n" });
  // Plain text is stored as it reads: no markdown escapes (it is rendered escaped, never as markdown).
  service.escape = (s: string) => s;
  service.remove(["script", "style", "noscript", "form", "input", "button", "select", "textarea", "object", "embed", "iframe"]);
  service.addRule("inline", {
    filter: (node) => INLINE_TEXT.has(node.nodeName),
    replacement: (content) => content,
  });
  service.addRule("heading", {
    filter: ["h1", "h2", "h3", "h4", "h5", "h6"],
    replacement: (content) => `\n\n${content}\n\n`,
  });
  service.addRule("pre", {
    filter: ["pre"],
    replacement: (_content, node) => `\n\n${(node as HTMLElement).textContent ?? ""}\n\n`,
  });
  service.addRule("br", { filter: ["br"], replacement: () => "\n" });
  service.addRule("listItem", {
    filter: ["li"],
    replacement: (content) => `- ${content.trim().replace(/\n+/g, "\n  ")}\n`,
  });
  service.addRule("image", {
    filter: ["img"],
    replacement: (_content, node) => {
      const el = node as HTMLElement;
      const alt = (el.getAttribute("alt") ?? "").trim();
      const src = (el.getAttribute("src") ?? "").trim();
      if (/^https?:\/\//i.test(src)) return alt ? `${alt} (${src})` : src;
      return alt;
    },
  });
  // A link keeps its address as text, which the thread turns back into a link
  // (with rel="nofollow ugc"): "text (https://…)", or the address alone when
  // it is the text. Addresses that are not http(s) are dropped.
  service.addRule("link", {
    filter: ["a"],
    replacement: (content, node) => {
      const href = ((node as HTMLElement).getAttribute("href") ?? "").trim();
      const text = content.trim();
      if (!/^https?:\/\//i.test(href)) return content;
      if (text === "" || text === href || text.replace(/^https?:\/\//i, "") === href.replace(/^https?:\/\//i, "")) return href;
      return `${content} (${href})`;
    },
  });
  textService = service;
  return service;
}

/**
 * A comment's HTML as the plain text comments are stored as. WordPress keeps
 * what the commenter typed (line breaks as typed, a few allowed tags, `&amp;`
 * for a lone ampersand), so its line breaks are turned into paragraphs first,
 * as WordPress does when it shows the comment. Text without tags or entities
 * is taken as it is.
 */
export function commentHtmlToText(html: string): string {
  const text = html.replace(/\r\n?/g, "\n");
  if (!/[<&]/.test(text)) return text.trim();
  const prepared = wpautop(text);
  if (prepared === "") return "";
  return textTurndown()
    .turndown(prepared)
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
