import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp } from "@/lib/http/client-ip";
import { issueFormToken } from "@/lib/comments/form-token";
import { submitComment } from "@/lib/comments/submit";
import { parseEnv } from "@/lib/env";
import { compileTrustedProxies } from "@/lib/http/trusted-proxies";
import { updateSettings } from "@/lib/settings";
import { recordPeerAddress } from "../../scripts/peer-address.mjs";
import { getComment } from "../support/comments";
import { createArticle } from "../support/factories";

/**
 * A real HTTP server doing what scripts/server.mjs and the comment route do
 * with the address: record the socket's peer, work out the client's IP from
 * TRUSTED_PROXIES, and post the comment through the real pipeline (flood
 * control, stored IP). The test client connects from 127.0.0.1.
 */
async function startServer(trustedProxies: string) {
  const trust = compileTrustedProxies(parseEnv({ TRUSTED_PROXIES: trustedProxies }).TRUSTED_PROXIES);
  const server = http.createServer((req, res) => {
    recordPeerAddress(req);
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    const answer = async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const ip = clientIp(headers, trust);
      const raw = JSON.parse(body) as Record<string, unknown> & { slug: string };
      const result = await submitComment(raw.slug, raw, { ip, userAgent: "test", referrer: "", user: null });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ip, result }));
    };
    req.on("end", () => {
      answer().catch((error: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: String(error) }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

type Answer = { ip: string; result: { ok: true; commentId: number } | { ok: false; kind: string; code?: string } };

let n = 0;
async function post(url: string, article: { id: number; slug: string }, headers: Record<string, string>): Promise<Answer> {
  n += 1;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      slug: article.slug,
      content: `Comment number ${n} from the same machine.`,
      name: `Reader ${n}`,
      email: `reader-${n}-${Date.now()}@example.com`,
      formToken: issueFormToken(article.id, Date.now() - 30_000),
    }),
  });
  return (await response.json()) as Answer;
}

describe("the client's IP over HTTP", () => {
  let untrusted: Awaited<ReturnType<typeof startServer>>;
  let trusted: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    await updateSettings({ floodSeconds: 15 });
    // Proxies live elsewhere: a client reaching the port from 127.0.0.1 is not one.
    untrusted = await startServer("10.0.0.0/8,192.168.1.5");
    // The test client stands in for a proxy on loopback.
    trusted = await startServer("127.0.0.1");
  });
  afterAll(() => {
    untrusted.server.close();
    trusted.server.close();
  });

  it("ignores a spoofed X-Forwarded-For and peer header from a peer that is not a trusted proxy", async () => {
    const article = await createArticle();
    const spoof = { "x-forwarded-for": "198.51.100.1, 10.0.0.7", "x-newsroom-peer-ip": "10.0.0.7" };
    const first = await post(untrusted.url, article, spoof);
    expect(first.ip).toBe("127.0.0.1");
    expect(first.result.ok).toBe(true);
    if (first.result.ok) expect((await getComment(first.result.commentId)).ip).toBe("127.0.0.1");

    // A new made-up address does not escape flood control: same socket, same IP.
    const second = await post(untrusted.url, article, { ...spoof, "x-forwarded-for": "198.51.100.2, 10.0.0.7" });
    expect(second.ip).toBe("127.0.0.1");
    expect(second.result).toMatchObject({ ok: false, kind: "refused", code: "flood" });
  });

  it("believes X-Forwarded-For when the peer is a trusted proxy", async () => {
    const article = await createArticle();
    const answer = await post(trusted.url, article, { "x-forwarded-for": "6.6.6.6, 203.0.113.44" });
    expect(answer.ip).toBe("203.0.113.44");
    expect(answer.result.ok).toBe(true);
    if (answer.result.ok) expect((await getComment(answer.result.commentId)).ip).toBe("203.0.113.44");
  });
});
