import { describe, expect, it } from "vitest";
import {
  commentPageQuery,
  effectiveOrder,
  newCommentsPage,
  orderQuery,
  pageCountFor,
  pageOfPosition,
  parseCommentOrder,
} from "@/lib/comments/order";

describe("a reader's ?order=", () => {
  it("accepts the two orders and ignores anything else", () => {
    expect(parseCommentOrder("newest")).toBe("newest");
    expect(parseCommentOrder("oldest")).toBe("oldest");
    // Twice: the last, as the rewrite to the cached page reads it.
    expect(parseCommentOrder(["newest", "oldest"])).toBe("oldest");
    for (const bad of ["", "NEWEST", "desc", "newest ", null, undefined, 1, "x".repeat(10_000), {}]) {
      expect(parseCommentOrder(bad)).toBeNull();
    }
    expect(effectiveOrder(null, "newest")).toBe("newest");
    expect(effectiveOrder("oldest", "newest")).toBe("oldest");
  });

  it("names the order in links only when it is not the site's", () => {
    expect(orderQuery("newest", "oldest")).toBe("order=newest");
    expect(orderQuery("oldest", "oldest")).toBe("");
    expect(commentPageQuery(1, "oldest", "oldest")).toBe("");
    expect(commentPageQuery(3, "oldest", "oldest")).toBe("?cpage=3");
    expect(commentPageQuery(1, "newest", "oldest")).toBe("?order=newest");
    expect(commentPageQuery(2, "oldest", "newest")).toBe("?cpage=2&order=oldest");
  });
});

describe("which page a top-level comment is on", () => {
  // 7 comments, 3 a page: oldest first [0 1 2][3 4 5][6], newest first [6 5 4][3 2 1][0].
  const total = 7;
  const perPage = 3;

  it("counts pages, at least one", () => {
    expect(pageCountFor(0, 3)).toBe(1);
    expect(pageCountFor(3, 3)).toBe(1);
    expect(pageCountFor(7, 3)).toBe(3);
  });

  it("oldest first: by how many come before it", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((before) => pageOfPosition(before, total, perPage, "oldest"))).toEqual([1, 1, 1, 2, 2, 2, 3]);
  });

  it("newest first: by how many come after it", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((before) => pageOfPosition(before, total, perPage, "newest"))).toEqual([3, 2, 2, 2, 1, 1, 1]);
  });

  it("stays within the thread whatever it is given", () => {
    expect(pageOfPosition(50, total, perPage, "oldest")).toBe(3);
    expect(pageOfPosition(50, total, perPage, "newest")).toBe(1);
    expect(pageOfPosition(0, 0, perPage, "newest")).toBe(1);
  });

  it("shows new and held comments at the end oldest first, at the start newest first", () => {
    expect(newCommentsPage(3, "oldest")).toBe(3);
    expect(newCommentsPage(3, "newest")).toBe(1);
    expect(newCommentsPage(0, "oldest")).toBe(1);
  });
});
