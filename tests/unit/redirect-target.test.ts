import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/lib/auth/rules";

const SITE = "https://news.example";

/** Where a browser would go if sent a Location header with this value from a page of the site. */
function browserDestination(location: string): string {
  return new URL(location, `${SITE}/login`).origin;
}

describe("safeCallbackUrl: redirect targets from a request", () => {
  it("keeps paths, queries and fragments on this site", () => {
    expect(safeCallbackUrl("/admin/users?x=1", SITE)).toBe("/admin/users?x=1");
    expect(safeCallbackUrl("/articles/a-b#comment-3", SITE)).toBe("/articles/a-b#comment-3");
    expect(safeCallbackUrl("/", SITE)).toBe("/");
    // An absolute URL on the site's own origin is the same place.
    expect(safeCallbackUrl("https://news.example/moderation?status=spam", SITE)).toBe("/moderation?status=spam");
    // Same scheme without slashes is a relative path for http(s) URLs.
    expect(safeCallbackUrl("https:evil.example", SITE)).toBe("/evil.example");
  });

  const nasty = [
    // Browsers drop tabs, CR and LF anywhere in a URL.
    "/\t/evil.example",
    "/\t/evil.example/path?x=1",
    "\t//evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\r/evil.example",
    // Backslashes are slashes in http(s) URLs.
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    // Protocol-relative and absolute URLs elsewhere.
    "//evil.example",
    "//evil.example/x",
    "///evil.example",
    "https://evil.example/",
    "http://news.example/", // another origin: the scheme differs
    "https://news.example.evil.example/",
    "https://news.example@evil.example/",
    "https://user:pass@news.example/",
    "http:evil.example", // another scheme than the site's: http://evil.example/
    "http:/evil.example",
    "http:\\\\evil.example",
    " //evil.example",
    // Dot segments that collapse into a leading `//`.
    "/.//evil.example",
    "/x/..//evil.example",
    // Other schemes.
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    // Not a string, empty, absurdly long.
    "",
    undefined,
    null,
    42,
    ["/admin"],
    "/" + "a".repeat(2001),
  ];

  it.each(nasty.map((v) => [(JSON.stringify(v) ?? String(v)).slice(0, 40), v]))("refuses %s", (_label, value) => {
    expect(safeCallbackUrl(value, SITE)).toBe("/");
    expect(safeCallbackUrl(value, SITE, "/fallback")).toBe("/fallback");
  });

  it("treats percent-encoded slashes, tabs and backslashes as part of a path on this site", () => {
    for (const value of ["/%2F%2Fevil.example", "/%09/evil.example", "/%5C%5Cevil.example", "/%2f/evil.example"]) {
      const path = safeCallbackUrl(value, SITE);
      expect(path).toBe(value);
      expect(browserDestination(path)).toBe(SITE);
    }
  });

  it("never answers anything a browser would read as another origin", () => {
    const pieces = ["/", "\\", "\t", "\n", "\r", "%2F", "%09", ".", "..", "evil.example", "@", ":", "http:", "https:", " ", "?", "#"];
    const values: string[] = [];
    for (const a of pieces) for (const b of pieces) for (const c of pieces) values.push(a + b + c + "evil.example");
    for (const value of values) {
      const path = safeCallbackUrl(value, SITE);
      expect(path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\")).toBe(true);
      expect(browserDestination(path)).toBe(SITE);
    }
  });

  it("reads `http:host` on an http site as a path on the site, as browsers do", () => {
    for (const value of ["http:evil.example", "http:/\tevil.example/x"]) {
      const path = safeCallbackUrl(value, "http://localhost:3000");
      expect(path.startsWith("/") && !path.startsWith("//")).toBe(true);
      expect(new URL(path, "http://localhost:3000/login").origin).toBe("http://localhost:3000");
    }
    expect(safeCallbackUrl("http://evil.example", "http://localhost:3000")).toBe("/");
    expect(safeCallbackUrl("http:\\\\evil.example", "http://localhost:3000")).toBe("/");
  });

  it("takes the origin from the site URL, whatever its path", () => {
    expect(safeCallbackUrl("/admin", "http://127.0.0.1:3100/")).toBe("/admin");
    expect(safeCallbackUrl("http://127.0.0.1:3100/admin", "http://127.0.0.1:3100")).toBe("/admin");
    expect(safeCallbackUrl("http://127.0.0.1:3101/admin", "http://127.0.0.1:3100")).toBe("/");
    expect(safeCallbackUrl("/admin", "not a url")).toBe("/");
  });
});
