import { describe, expect, it } from "vitest";
import { PEER_IP_HEADER, clientIp } from "@/lib/comments/client-ip";

const h = (values: Record<string, string>) => new Headers(values);
const direct = { trustProxy: false, trustedProxyCount: 1 };
const proxied = { trustProxy: true, trustedProxyCount: 1 };

describe("clientIp", () => {
  it("uses the socket peer and ignores a spoofed X-Forwarded-For without a trusted proxy", () => {
    expect(clientIp(h({ [PEER_IP_HEADER]: "::ffff:203.0.113.7", "x-forwarded-for": "1.2.3.4" }), direct)).toBe("203.0.113.7");
  });

  it("takes the address the trusted proxy saw", () => {
    const headers = h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "1.2.3.4, 198.51.100.20" });
    expect(clientIp(headers, proxied)).toBe("198.51.100.20");
    expect(clientIp(headers, { trustProxy: true, trustedProxyCount: 2 })).toBe("1.2.3.4");
  });

  it("falls back to X-Forwarded-For under next dev and answers empty for garbage", () => {
    expect(clientIp(h({ "x-forwarded-for": "::1" }), direct)).toBe("::1");
    expect(clientIp(h({ [PEER_IP_HEADER]: "not-an-ip" }), direct)).toBe("");
  });
});
