import { describe, expect, it } from "vitest";
import sitemap from "@/app/sitemap";
import { createArticle, createComment } from "../support/factories";
import { statementsDuring } from "../support/queries";

// Only the route's default export: the first call in this file reads the database.
describe("/sitemap.xml", () => {
  it("lists each published article with its last change, and reads no comments", async () => {
    await createArticle({ slug: "route-older", publishedAt: new Date("2025-01-01T00:00:00Z"), updatedAt: new Date("2025-03-01T10:00:00Z") });
    const newer = await createArticle({ slug: "route-newer", publishedAt: new Date("2025-02-01T00:00:00Z"), updatedAt: new Date("2025-02-02T10:00:00Z") });
    await createArticle({ slug: "route-draft", status: "draft", publishedAt: null });
    await createArticle({ slug: "route-in-review", status: "in_review", publishedAt: null });
    await createComment(newer.id);

    let result: Awaited<ReturnType<typeof sitemap>> = [];
    const statements = await statementsDuring(async () => {
      result = await sitemap();
    });
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.join("\n")).not.toContain("comments");
    expect(result.map((e) => e.url.replace(/^https?:\/\/[^/]+/, ""))).toEqual(["/", "/articles/route-newer", "/articles/route-older"]);
    expect(result.find((e) => e.url.endsWith("/articles/route-older"))?.lastModified).toEqual(new Date("2025-03-01T10:00:00Z"));
    // The front page changes when any article does.
    expect(result[0]?.lastModified).toEqual(new Date("2025-03-01T10:00:00Z"));
  });
});
