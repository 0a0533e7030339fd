import type { NextRequest } from "next/server";
import { COMMENT_FORM_BODY_LIMIT_BYTES } from "@/lib/comments/form-limits";
import { COMMENT_LIMITS } from "@/lib/comments/validation";

/**
 * A comment form posted without JavaScript over the server-action body limit
 * would get Next's bare 500 ("Body exceeded 1 MB limit") and the text would
 * be gone. Answer it the way mature products do (WordPress's comment post,
 * nginx's 413): a clear page saying what happened and how to get the text
 * back, with status 413. Only POSTs to article pages with a declared length
 * over the limit are touched; everything else goes on unchanged. With
 * JavaScript the form refuses such a post before sending (comment-form.tsx).
 */
export function proxy(request: NextRequest): Response | undefined {
  if (request.method !== "POST") return undefined;
  const length = Number(request.headers.get("content-length") ?? "");
  if (!Number.isFinite(length) || length <= COMMENT_FORM_BODY_LIMIT_BYTES) return undefined;
  return new Response(tooLargePage(request.nextUrl.pathname), {
    status: 413,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      // The unread body is discarded; the connection is not reused.
      Connection: "close",
    },
  });
}

// Only requests that declare a body length: the function above acts on
// nothing else, and reading pages (cached or not) then skips the proxy.
export const config = { matcher: [{ source: "/articles/:slug", has: [{ type: "header", key: "content-length" }] }] };

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function tooLargePage(articlePath: string): string {
  const max = COMMENT_LIMITS.content.toLocaleString("en-US");
  const back = escapeHtml(articlePath);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Your comment is too large to send</title>
<style>body{font:1rem/1.6 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.5rem}</style></head>
<body>
<h1>Your comment is too large to send</h1>
<p>A comment can be at most ${max} characters (and a post at most 1 MB in all). What you sent was larger, so it was not posted.</p>
<p>Use your browser's Back button: the form usually still holds your text. Shorten it, or split it into two comments, and post again.</p>
<p><a href="${back}">Back to the article</a></p>
</body>
</html>
`;
}
