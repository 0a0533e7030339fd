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

// Next's tag manifest: when each tag was last expired (revalidateTag).
const { tagsManifest } = require("next/dist/server/lib/incremental-cache/tags-manifest.external.js");

/**
 * When each address was last looked up. Next looks an address up once per
 * render (requests that arrive while it renders wait for that render instead
 * of looking again), so the last lookup before a `set` is when the render
 * that produced it began. At most this many addresses are remembered; the
 * oldest lookups are forgotten first (a forgotten one only means a render's
 * page is kept as Next would keep it).
 */
const MAX_LOOKUPS = 10_000;
const LOOKUPS_KEY = Symbol.for("newsroom.page-cache-lookups");
/** Process-wide: Next may load this file more than once. */
const lookups = (globalThis[LOOKUPS_KEY] ??= new Map());

function noteLookup(key, now) {
  lookups.delete(key); // re-inserted last: the Map's order is oldest lookup first
  lookups.set(key, now);
  if (lookups.size > MAX_LOOKUPS) lookups.delete(lookups.keys().next().value);
}

/** The cache tags a page or route answer carries (Next puts them in a header it stores with the answer). */
function tagsOf(data) {
  const header = data && data.headers && data.headers["x-next-cache-tags"];
  return typeof header === "string" && header ? header.split(",") : [];
}

/**
 * Whether one of the answer's tags was expired after its render began: the
 * render may have read the data from before the change. Next would stamp it
 * with the time it finished and so take it for fresh, serving the old page
 * until the change's second expiry (lib/cache/invalidation.ts); such an
 * answer is not kept, and the next request renders the page again.
 */
function renderedAcrossAChange(key, data) {
  const began = lookups.get(key);
  lookups.delete(key);
  if (began === undefined) return false;
  for (const tag of tagsOf(data)) {
    const expired = tagsManifest.get(tag)?.expired;
    if (typeof expired === "number" && expired >= began) return true;
  }
  return false;
}

class PageCacheHandler extends FileSystemCache {
  async get(key, ctx) {
    if (typeof key === "string" && ctx && RESPONSE_KINDS.has(ctx.kind)) noteLookup(key, Date.now());
    return super.get(key, ctx);
  }

  async set(key, data, ctx) {
    if (isCachedRouteNotFound(key, data)) {
      // What the address answered before (a page since unpublished) is gone too.
      FileSystemCache.memoryCache?.remove(key);
      return;
    }
    if (data && RESPONSE_KINDS.has(data.kind) && renderedAcrossAChange(key, data)) {
      FileSystemCache.memoryCache?.remove(key);
      return;
    }
    return super.set(key, data, ctx);
  }
}

PageCacheHandler.MAX_LOOKUPS = MAX_LOOKUPS;

module.exports = PageCacheHandler;
