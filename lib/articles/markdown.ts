import "server-only";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

/**
 * GitHub's sanitization schema (no scripts, styles, event handlers or
 * javascript: URLs), which already knows GitHub-flavoured markdown's output:
 * tables (cells only inside a table, `align` kept), `del`, footnotes, and
 * task-list checkboxes (`input` only as `type="checkbox" disabled`, the
 * schema's `required`, so a reader cannot tick them).
 *
 * Ids: raw HTML in the markdown is dropped entirely, so the only ids are the
 * footnotes' own, which remark-rehype already prefixes with "user-content-"
 * (its `clobberPrefix`) and links to by that id; prefixing them a second time
 * here would break every footnote link.
 */
const schema = {
  ...defaultSchema,
  clobberPrefix: "",
};

const processor = unified()
  .use(remarkParse)
  // Tables, ~~strikethrough~~, task lists, literal autolinks, footnotes
  // (imported WordPress posts keep their tables and <del>: lib/porting/import-html.ts).
  .use(remarkGfm)
  // Raw HTML inside the markdown is not passed through (allowDangerousHtml off).
  .use(remarkRehype)
  .use(rehypeSanitize, schema)
  .use(rehypeStringify);

/** Renders an article body (markdown) to sanitized HTML. */
export function renderMarkdown(markdown: string): string {
  return String(processor.processSync(markdown));
}
