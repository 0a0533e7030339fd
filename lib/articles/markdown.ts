import "server-only";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

/**
 * GitHub's sanitization schema (no scripts, styles, event handlers or
 * javascript: URLs), without the "user-content-" id clobbering prefix
 * being relevant since raw HTML in the markdown is dropped entirely.
 */
const schema = {
  ...defaultSchema,
  tagNames: (defaultSchema.tagNames ?? []).filter((t) => !["input"].includes(t)),
};

const processor = unified()
  .use(remarkParse)
  // Raw HTML inside the markdown is not passed through (allowDangerousHtml off).
  .use(remarkRehype)
  .use(rehypeSanitize, schema)
  .use(rehypeStringify);

/** Renders an article body (markdown) to sanitized HTML. */
export function renderMarkdown(markdown: string): string {
  return String(processor.processSync(markdown));
}
