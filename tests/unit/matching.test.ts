import { describe, expect, it } from "vitest";
import { findListedEmail, findListedIp, findListedWord, toTokens } from "@/lib/comments/matching";

describe("findListedWord", () => {
  it("matches whole words regardless of case and accents", () => {
    expect(findListedWord(["Cheap VÍAGRA here"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["A classic assessment"], ["ass"])).toBeNull();
  });

  it("survives punctuation or spaces inserted between letters", () => {
    expect(findListedWord(["buy v.i.a.g.r.a today"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["buy v i a g r a today"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["cheap-pills!"], ["cheap pills"])).toBe("cheap pills");
    expect(findListedWord(["cheappills"], ["cheap pills"])).toBe("cheap pills");
  });

  it("ignores empty entries", () => {
    expect(findListedWord(["anything"], ["", "  "])).toBeNull();
    expect(toTokens("  ")).toEqual([]);
  });
});

describe("findListedEmail", () => {
  it("matches addresses exactly and domains with their subdomains", () => {
    expect(findListedEmail("Bad@Spam.example", ["bad@spam.example"])).toBe("bad@spam.example");
    expect(findListedEmail("a@x.spam.example", ["@spam.example"])).toBe("@spam.example");
    expect(findListedEmail("a@notspam.example", ["spam.example"])).toBeNull();
  });
});

describe("findListedIp", () => {
  it("matches IPs and CIDR ranges, IPv4 and IPv6", () => {
    expect(findListedIp("192.0.2.10", ["192.0.2.0/24"])).toBe("192.0.2.0/24");
    expect(findListedIp("::ffff:192.0.2.10", ["192.0.2.10"])).toBe("192.0.2.10");
    expect(findListedIp("2001:db8::1", ["2001:db8::/32"])).toBe("2001:db8::/32");
    expect(findListedIp("192.0.3.1", ["192.0.2.0/24", "not an ip"])).toBeNull();
    expect(findListedIp("", ["0.0.0.0/0"])).toBeNull();
  });
});
