import { NextResponse, type NextRequest } from "next/server";
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
  if (request.method !== "POST") return personalHint(request);
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

/**
 * The cookies that make a reader's pages their own (next.config.js's
 * PERSONAL_COOKIES; tests/unit/page-cache.test.ts checks the two lists and the
 * matcher below agree). All are httpOnly: a page's script cannot see them.
 */
export const PERSONAL_COOKIES = [
  "next-auth.session-token",
  "__Secure-next-auth.session-token",
  "next-auth.session-token.0",
  "__Secure-next-auth.session-token.0",
  "nr_own_comments",
  "nr_comment_author",
];
/**
 * Readable by the page's script, and only saying that the reader has some of
 * the cookies above: a cached article page then asks for the reader's own
 * parts (app/_article/personal.tsx), and an anonymous reader's page asks
 * nothing (docs/decisions/022). Set and removed here, on the first request
 * whose cookies disagree with it, whatever set or ended the others (signing
 * in or out, posting, a cookie expiring).
 */
export const PERSONAL_HINT_COOKIE = "nr_personal";

function personalHint(request: NextRequest): Response | undefined {
  const personal = PERSONAL_COOKIES.some((name) => request.cookies.has(name));
  if (personal === request.cookies.has(PERSONAL_HINT_COOKIE)) return undefined;
  const response = NextResponse.next();
  if (personal) response.cookies.set(PERSONAL_HINT_COOKIE, "1", { path: "/", sameSite: "lax", secure: request.nextUrl.protocol === "https:" });
  else response.cookies.delete(PERSONAL_HINT_COOKIE);
  return response;
}

// Runs only where there is something to do, so most requests skip the proxy:
// - a request that declares a body length (the 413 page above);
// - a page request whose personal cookies and hint disagree (one per change).
// (Literals throughout: Next reads this object without running the module.)
export const config = {
  matcher: [
    { source: "/articles/:slug", has: [{ type: "header", key: "content-length" }] },
    { source: "/((?!_next/|api/|avatars/|healthz).*)", has: [{ type: "cookie", key: "next-auth.session-token" }], missing: [{ type: "cookie", key: "nr_personal" }] },
    { source: "/((?!_next/|api/|avatars/|healthz).*)", has: [{ type: "cookie", key: "__Secure-next-auth.session-token" }], missing: [{ type: "cookie", key: "nr_personal" }] },
    { source: "/((?!_next/|api/|avatars/|healthz).*)", has: [{ type: "cookie", key: "next-auth.session-token.0" }], missing: [{ type: "cookie", key: "nr_personal" }] },
    { source: "/((?!_next/|api/|avatars/|healthz).*)", has: [{ type: "cookie", key: "__Secure-next-auth.session-token.0" }], missing: [{ type: "cookie", key: "nr_personal" }] },
    { source: "/((?!_next/|api/|avatars/|healthz).*)", has: [{ type: "cookie", key: "nr_own_comments" }], missing: [{ type: "cookie", key: "nr_personal" }] },
    { source: "/((?!_next/|api/|avatars/|healthz).*)", has: [{ type: "cookie", key: "nr_comment_author" }], missing: [{ type: "cookie", key: "nr_personal" }] },
    {
      source: "/((?!_next/|api/|avatars/|healthz).*)",
      has: [{ type: "cookie", key: "nr_personal" }],
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
        { type: "cookie", key: "nr_own_comments" },
        { type: "cookie", key: "nr_comment_author" },
      ],
    },
  ],
};

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
