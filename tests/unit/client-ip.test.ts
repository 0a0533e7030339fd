import { describe, expect, it } from "vitest";
import { PEER_IP_HEADER, clientIp, normalizeIp } from "@/lib/http/client-ip";
import {
  TRUST_NO_PROXY,
  compileTrustedProxies,
  invalidTrustedProxies,
  splitTrustedProxies,
} from "@/lib/http/trusted-proxies";

const h = (values: Record<string, string>) => new Headers(values);
const proxies = compileTrustedProxies(["10.0.0.0/8", "192.168.1.5", "2001:db8:1::/48"]);

describe("clientIp without trusted proxies", () => {
  it("is the socket peer; X-Forwarded-For is ignored", () => {
    expect(clientIp(h({ [PEER_IP_HEADER]: "::ffff:203.0.113.7", "x-forwarded-for": "1.2.3.4" }), TRUST_NO_PROXY)).toBe("203.0.113.7");
    expect(clientIp(h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "1.2.3.4" }), TRUST_NO_PROXY)).toBe("10.0.0.2");
  });
});

describe("clientIp with TRUSTED_PROXIES", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy (a client at the port spoofing)", () => {
    const headers = h({ [PEER_IP_HEADER]: "203.0.113.7", "x-forwarded-for": "198.51.100.1, 10.0.0.2" });
    expect(clientIp(headers, proxies)).toBe("203.0.113.7");
  });

  it("believes a trusted peer: the entry it appended is the client", () => {
    const headers = h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "198.51.100.20" });
    expect(clientIp(headers, proxies)).toBe("198.51.100.20");
  });

  it("walks a chain of trusted proxies from the right to the first untrusted hop", () => {
    const headers = h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "198.51.100.20, 192.168.1.5, 10.1.2.3" });
    expect(clientIp(headers, proxies)).toBe("198.51.100.20");
  });

  it("stops at an untrusted hop in the middle: entries to its left are the client's own claims", () => {
    const headers = h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "1.2.3.4, 203.0.113.9, 10.1.2.3" });
    expect(clientIp(headers, proxies)).toBe("203.0.113.9");
  });

  it("answers the last trusted proxy when the whole chain is trusted", () => {
    const headers = h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "10.9.9.9, 10.1.2.3" });
    expect(clientIp(headers, proxies)).toBe("10.9.9.9");
    expect(clientIp(h({ [PEER_IP_HEADER]: "10.0.0.2" }), proxies)).toBe("10.0.0.2");
  });

  it("handles IPv6 peers, chains and CIDRs", () => {
    const headers = h({ [PEER_IP_HEADER]: "2001:db8:1::10", "x-forwarded-for": "2001:db8:ffff::1, 2001:db8:1:2::3" });
    expect(clientIp(headers, proxies)).toBe("2001:db8:ffff::1");
    expect(clientIp(h({ [PEER_IP_HEADER]: "2001:db8:2::10", "x-forwarded-for": "2001:db8:ffff::1" }), proxies)).toBe("2001:db8:2::10");
  });

  it("matches an IPv4-mapped IPv6 peer against IPv4 entries and answers plain IPv4", () => {
    const headers = h({ [PEER_IP_HEADER]: "::ffff:10.0.0.2", "x-forwarded-for": "::ffff:198.51.100.20" });
    expect(clientIp(headers, proxies)).toBe("198.51.100.20");
    expect(clientIp(h({ [PEER_IP_HEADER]: "::ffff:203.0.113.7", "x-forwarded-for": "1.2.3.4" }), proxies)).toBe("203.0.113.7");
  });

  it("ends the walk at the trusted hop that reported a garbage entry", () => {
    expect(clientIp(h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "1.2.3.4, not-an-ip" }), proxies)).toBe("10.0.0.2");
    expect(clientIp(h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "1.2.3.4, 198.51.100.7:4711, 10.1.1.1" }), proxies)).toBe("10.1.1.1");
    expect(clientIp(h({ [PEER_IP_HEADER]: "10.0.0.2", "x-forwarded-for": " , ,198.51.100.20 ,, " }), proxies)).toBe("198.51.100.20");
  });

  it("answers empty when even the peer is not an address", () => {
    expect(clientIp(h({ [PEER_IP_HEADER]: "not-an-ip" }), TRUST_NO_PROXY)).toBe("");
  });

  it("under next dev (no peer header) takes Next's appended entry as the peer", () => {
    expect(clientIp(h({ "x-forwarded-for": "::1" }), TRUST_NO_PROXY)).toBe("::1");
    expect(clientIp(h({ "x-forwarded-for": "6.6.6.6, 127.0.0.1" }), TRUST_NO_PROXY)).toBe("127.0.0.1");
    expect(clientIp(h({ "x-forwarded-for": "6.6.6.6, 10.0.0.2" }), proxies)).toBe("6.6.6.6");
  });
});

describe("TRUSTED_PROXIES entries", () => {
  it("splits a comma-separated list and ignores blanks", () => {
    expect(splitTrustedProxies(" 10.0.0.1, ,fd00::/8 ,")).toEqual(["10.0.0.1", "fd00::/8"]);
  });

  it("names the entries that are not an address, a CIDR or a proxy-addr name", () => {
    expect(invalidTrustedProxies(["10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "loopback", "uniquelocal"])).toEqual([]);
    expect(invalidTrustedProxies(["10.0.0.1", "proxy.example", "10.0.0.0/33", "300.1.1.1"])).toEqual([
      "proxy.example",
      "10.0.0.0/33",
      "300.1.1.1",
    ]);
  });

  it("normalizes addresses", () => {
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("[2001:db8::1]")).toBe("2001:db8::1");
    expect(normalizeIp("nope")).toBe("");
  });
});
