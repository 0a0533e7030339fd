import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

describe("parseEnv", () => {
  it("applies the documented defaults to an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      DATABASE_PATH: "./data/app.db",
      SITE_URL: "http://localhost:3000",
      AKISMET_URL: "https://rest.akismet.com",
      PORT: 3000,
    });
    expect(env.AKISMET_KEY).toBeUndefined();
    expect(env.NEXTAUTH_SECRET).toBeUndefined();
  });

  it("treats empty variables as unset and trims a trailing slash from URLs", () => {
    const env = parseEnv({ AKISMET_KEY: "", SITE_URL: "https://news.example.org/", PORT: "8080" });
    expect(env.AKISMET_KEY).toBeUndefined();
    expect(env.SITE_URL).toBe("https://news.example.org");
    expect(env.PORT).toBe(8080);
  });

  it("names each bad variable in its error", () => {
    let error: unknown;
    try {
      parseEnv({ SITE_URL: "not a url", PORT: "99999", AKISMET_URL: "ftp://x.example" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const variables = (error as EnvError).issues.map((i) => i.variable).sort();
    expect(variables).toEqual(["AKISMET_URL", "PORT", "SITE_URL"]);
    expect((error as EnvError).message).toContain("SITE_URL: must be an http(s) URL");
  });

  it("rejects a short NEXTAUTH_SECRET and a malformed AKISMET_KEY", () => {
    expect(() => parseEnv({ NEXTAUTH_SECRET: "short" })).toThrow(/NEXTAUTH_SECRET/);
    expect(() => parseEnv({ AKISMET_KEY: "has spaces in it" })).toThrow(/AKISMET_KEY/);
  });

  it("reads TRUSTED_PROXIES as a list of addresses and CIDRs, empty when unset", () => {
    expect(parseEnv({}).TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv({ TRUSTED_PROXIES: "" }).TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv({ TRUSTED_PROXIES: "10.0.0.2, 192.168.0.0/16,::1" }).TRUSTED_PROXIES).toEqual(["10.0.0.2", "192.168.0.0/16", "::1"]);
  });

  it("names TRUSTED_PROXIES and the bad entry when one is not an address", () => {
    expect(() => parseEnv({ TRUSTED_PROXIES: "10.0.0.2,proxy.internal" })).toThrow(
      /TRUSTED_PROXIES: not an IP address or CIDR: "proxy.internal"/,
    );
    expect(() => parseEnv({ TRUSTED_PROXIES: "10.0.0.0/40" })).toThrow(/TRUSTED_PROXIES/);
  });
});
