// The query string of a page address, reduced to what the page reads, before
// Next sees it (docs/decisions/013). Next renders a cached page once, on the
// first request after it expired, and that request's address, query and all,
// goes into the page's React data (the router's canonical URL): a first
// visitor's `?utm_source=…&fbclid=…` would be served to every later reader.
// Reduced here, every address that reaches one cached page renders the same
// bytes. The address in the reader's browser is not changed.
//
// Only `/` and `/articles/<slug>` (GETs and HEADs) are touched. The front
// page reads no parameter; an article page reads `cpage` (comment page),
// `order` (comment order) and `replytocom` (the reply form without
// JavaScript), and nothing else (app/(site)/articles/[slug]/page.tsx and
// next.config.js's rewrites). `cpage=1` is the page without `cpage` (the
// same cached page), so it goes too. Next's own `_rsc` (the router's
// cache-busting parameter on its data requests) is kept.

const ARTICLE_PARAMS = ["cpage", "order", "replytocom"];

/** Parameters Next itself puts on its requests. */
const isNextParam = (name) => name === "_rsc" || name.startsWith("__next");

/**
 * The request target with the query reduced to what the page reads, in a
 * fixed order; `url` itself when it is not a page address or has no query.
 * @param {string} url the request target (`req.url`: path and query)
 * @returns {string}
 */
export function pageUrlForCache(url) {
  const queryAt = url.indexOf("?");
  if (queryAt < 0) return url;
  const path = url.slice(0, queryAt);
  const kept = path === "/" ? [] : /^\/articles\/[^/]+$/.test(path) ? ARTICLE_PARAMS : null;
  if (kept === null) return url;
  const query = new URLSearchParams(url.slice(queryAt + 1));
  const clean = new URLSearchParams();
  for (const name of kept) {
    const values = query.getAll(name);
    if (name === "cpage" && values.length === 1 && values[0] === "1") continue;
    for (const value of values) clean.append(name, value);
  }
  for (const [name, value] of query) if (isNextParam(name)) clean.append(name, value);
  const search = clean.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * Applies `pageUrlForCache` to a request before Next's handler sees it.
 * @param {import("node:http").IncomingMessage} req
 */
export function reducePageQuery(req) {
  if ((req.method === "GET" || req.method === "HEAD") && req.url) req.url = pageUrlForCache(req.url);
}
