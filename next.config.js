const dev = process.env.NODE_ENV !== "production";

// Sent with every response (scripts/security-headers.cjs; scripts/server.mjs
// sends the same with the answers it makes itself).
const securityHeaders = require("./scripts/security-headers.cjs").securityHeaders(dev);

// The page cache (docs/decisions/013). A reader who carries none of these
// cookies sees exactly what every other anonymous reader sees, so they get
// the cached page (app/(cached)); anyone with one gets the page rendered for
// them (app/(site)). tests/unit/page-cache.test.ts checks this list
// against the cookies the app sets.
const PERSONAL_COOKIES = [
  "next-auth.session-token",
  "__Secure-next-auth.session-token",
  // next-auth splits a large session into numbered chunks.
  "next-auth.session-token.0",
  "__Secure-next-auth.session-token.0",
  "nr_own_comments", // lib/comments/ownership.ts: the reader's own held comments
  "nr_comment_author", // lib/comments/remember.ts: remembered name, email, website
];
const anonymous = PERSONAL_COOKIES.map((key) => ({ type: "cookie", key }));
// A browser that runs the site's scripts says so with this cookie (app/script-cookie.tsx
// sets it on any page): it gets the cached article page whatever else it carries, and
// its own parts come from the personal request (docs/decisions/022). A browser without
// JavaScript never has it, and keeps the page rendered for it alone.
const SCRIPT_COOKIE = "nr_js";
const withScript = { type: "cookie", key: SCRIPT_COOKIE, value: "1" };
// Without JavaScript, ?replytocom=ID puts the reply form under that comment: rendered per request.
const notReplying = { type: "query", key: "replytocom" };

// Shared caches (nginx, a CDN) may keep an anonymous page for a second and
// serve it stale for a few more while fetching a fresh one; browsers check
// back every time (ETag → 304). Per-visitor pages stay Next's `private, no-store`.
const SHARED_CACHE_CONTROL = "public, max-age=0, s-maxage=1, stale-while-revalidate=9";

// A comment page in the order the reader picked (?order=newest|oldest|respected) is
// cached apart from the site's default order (lib/comments/order.ts): the
// order is part of the cached address. Any other ?order= value is ignored
// by the per-visitor page, which such a request gets.
const cpageQuery = { type: "query", key: "cpage", value: "(?<cpage>[1-9][0-9]{0,5})" };
const orderQuery = { type: "query", key: "order", value: "(?<order>newest|oldest|respected)" };
const noCpage = { type: "query", key: "cpage" };
const noOrder = { type: "query", key: "order" };

/** An article page rule for an anonymous reader, and its twin for a reader with JavaScript. */
const articleRules = (rule) => [
  rule,
  { ...rule, has: [...(rule.has ?? []), withScript], missing: rule.missing.filter((m) => m.type !== "cookie") },
];

const cachedRoutes = [
  { source: "/", missing: [...anonymous], destination: "/cached/front/1" },
  ...[
    {
      source: "/articles/:slug",
      has: [cpageQuery, orderQuery],
      missing: [...anonymous, notReplying],
      destination: "/cached/articles/:slug/:cpage-:order",
    },
    {
      source: "/articles/:slug",
      has: [orderQuery],
      missing: [...anonymous, notReplying, noCpage],
      destination: "/cached/articles/:slug/1-:order",
    },
    {
      source: "/articles/:slug",
      has: [cpageQuery],
      missing: [...anonymous, notReplying, noOrder],
      destination: "/cached/articles/:slug/:cpage",
    },
    {
      source: "/articles/:slug",
      missing: [...anonymous, notReplying, noCpage, noOrder],
      destination: "/cached/articles/:slug/1",
    },
  ].flatMap(articleRules),
  { source: "/feed.xml", destination: "/cached/feed/rss.xml" },
  // Comment feeds (lib/comments/feed.ts): the whole site's, and one per article.
  { source: "/feed/comments.xml", destination: "/cached/feed/comments.xml" },
  { source: "/articles/:slug/comments.xml", destination: "/cached/feed/comments/:slug" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // Not on the router's own requests (header RSC: React's data, or a
      // redirect to it), which a cache that ignores Vary would mix up.
      ...cachedRoutes.map(({ source, has, missing }) => ({
        source,
        ...(has ? { has } : {}),
        missing: [...(missing ?? []), { type: "header", key: "rsc" }],
        headers: [{ key: "Cache-Control", value: SHARED_CACHE_CONTROL }],
      })),
    ];
  },
  async rewrites() {
    return { beforeFiles: cachedRoutes, afterFiles: [], fallback: [] };
  },
  // The cached routes are reached only through the rewrites above; asked for
  // by their own address, they send the reader to the page's real one.
  async redirects() {
    return [
      { source: "/cached/articles/:slug/:cpage", destination: "/articles/:slug", permanent: false },
      { source: "/cached/front/:page", destination: "/", permanent: false },
      { source: "/cached/feed/comments.xml", destination: "/feed/comments.xml", permanent: false },
      { source: "/cached/feed/comments/:slug", destination: "/articles/:slug/comments.xml", permanent: false },
      { source: "/cached/feed/:file", destination: "/feed.xml", permanent: false },
    ];
  },
  // `npm run test:all` checks the types with tsc just before it builds, and
  // sets this so the build does not check them a second time.
  typescript: { ignoreBuildErrors: process.env.NEWSROOM_BUILD_SKIP_TYPECHECK === "1" },
  poweredByHeader: false,
  // scripts/server.mjs compresses and tags each cached page once per body,
  // and compresses everything else per request: Next would
  // hash and gzip every cached page again on every request (decision 013).
  generateEtags: false,
  compress: false,
  reactStrictMode: true,
  // superagent (akismet-api's HTTP client) cannot be bundled by Turbopack.
  // rate-limiter-flexible's Drizzle store imports drizzle-orm at run time (a
  // computed import a bundler cannot follow): both load from node_modules, so
  // the limiter and the app share one drizzle.
  serverExternalPackages: ["akismet-api", "rate-limiter-flexible", "drizzle-orm"],
  // forbidden() answers 403 with app/forbidden.tsx (lib/auth/session.ts).
  experimental: {
    authInterrupts: true,
    // Comment form posts: keep equal to COMMENT_FORM_BODY_LIMIT_BYTES
    // (lib/comments/form-limits.ts); bigger posts get proxy.ts's 413 page.
    serverActions: { bodySizeLimit: "1mb" },
    // Cached pages live in memory only: a restart starts with an empty cache,
    // so no page saved before a change made while the server was down survives.
    isrFlushToDisk: false,
  },
  // Next's page and data cache, in memory (isrFlushToDisk above): within the
  // 256 MB heap the server is started with (package.json "start").
  cacheMaxMemorySize: 32 * 1024 * 1024,
  // Next's own cache, keeping no 404s: one per unknown slug would push real
  // pages out of those 32 MB.
  cacheHandler: require.resolve("./lib/cache/page-cache-handler.js"),
  // Migrations and seed articles are read from disk at start-up.
  outputFileTracingIncludes: {
    "/**": ["./db/sqlite/migrations/**/*", "./db/pg/migrations/**/*", "./db/seed/**/*"],
  },
};

module.exports = nextConfig;
