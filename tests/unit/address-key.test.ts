import { describe, expect, it } from "vitest";
import { addressLimitKey } from "@/lib/http/address-key";

describe("addressLimitKey", () => {
  it("counts IPv4 addresses one by one", () => {
    expect(addressLimitKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressLimitKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts every address of an IPv6 /64 under one key (a client can rotate within it)", () => {
    const a = addressLimitKey("2001:db8:1:2:aaaa::1");
    expect(a).toBe("2001:db8:1:2::/64");
    expect(addressLimitKey("2001:db8:1:2:ffff:1234:5678:9abc")).toBe(a);
    expect(addressLimitKey("2001:db8:1:3::1")).not.toBe(a);
  });

  it("puts an unknown or malformed address under one shared key", () => {
    expect(addressLimitKey("")).toBe("unknown");
    expect(addressLimitKey("not an address")).toBe("unknown");
  });
});
