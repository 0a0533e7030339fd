import { describe, expect, it } from "vitest";
import { parseIsoDate } from "@/lib/porting/import-mappings";

describe("Disqus dates", () => {
  it("reads createdAt as ISO 8601, in UTC when no zone is given", () => {
    expect(parseIsoDate("2013-02-03T04:05:06Z")?.toISOString()).toBe("2013-02-03T04:05:06.000Z");
    expect(parseIsoDate("2013-02-03T04:05:06")?.toISOString()).toBe("2013-02-03T04:05:06.000Z");
    expect(parseIsoDate("2013-02-03T04:05:06+02:00")?.toISOString()).toBe("2013-02-03T02:05:06.000Z");
    expect(parseIsoDate("3 Feb 2013")).toBeNull();
    expect(parseIsoDate("")).toBeNull();
  });
});
