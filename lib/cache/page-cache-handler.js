// Next's page cache (next.config.js `cacheHandler`), as Next keeps it by
// default (in memory, `cacheMaxMemorySize`, with tag expiry: docs/decisions/013),
// except that a 404 is never kept.
//
// Every address under a cached route that answers 404 (an unknown slug at
// /articles/<slug>, or at /articles/<slug>/comments.xml) would otherwise be
// stored as an entry of its own: a script asking for /articles/random-1,
// random-2, ... would fill the cache with copies of the not-found page and
// push real pages out of it. Not stored, a 404 is rendered on every request
// (two indexed lookups and a small page, as for a reader with per-visitor
// cookies), and an article published at that address answers at once.
//
// Loaded by Next itself, outside the app's bundles; the memory store and the
// tag manifest it uses are the ones Next shares between all of its copies.
const FileSystemCache = require("next/dist/server/lib/incremental-cache/file-system-cache.js").default;

/** Page and route-handler answers (Next's CachedRouteKind). */
const RESPONSE_KINDS = new Set(["APP_PAGE", "APP_ROUTE"]);

/**
 * The address a page entry is kept for: Next keys it as
 * `/route-cache/<kind>/<hash of the route>/$<path>`.
 */
function pathOf(key) {
  const at = key.indexOf("/$/");
  return at < 0 ? key : key.slice(at + 2);
}

/** A 404 answered by one of the cached routes (app/(cached)/cached/...). */
function isCachedRouteNotFound(key, data) {
  return !!data && RESPONSE_KINDS.has(data.kind) && data.status === 404 && typeof key === "string" && pathOf(key).startsWith("/cached/");
}

class PageCacheHandler extends FileSystemCache {
  async set(key, data, ctx) {
    if (isCachedRouteNotFound(key, data)) {
      // What the address answered before (a page since unpublished) is gone too.
      FileSystemCache.memoryCache?.remove(key);
      return;
    }
    return super.set(key, data, ctx);
  }
}

module.exports = PageCacheHandler;
