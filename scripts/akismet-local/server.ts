/**
 * A local Akismet-compatible server for development and tests. It speaks the
 * REST API 1.1 of docs/akismet.md over HTTP (form-encoded bodies, text
 * answers, Akismet's headers), honours Akismet's documented test triggers,
 * keeps every request for tests to inspect, and has switches to make it fail.
 *
 * Control endpoints (for tests, not part of Akismet):
 *   GET    /__requests          every request received, oldest first
 *   DELETE /__requests          forget them
 *   POST   /__behaviour (JSON)  { delayMs?, status?, invalid?, error?, proTip?, alert?, times? }
 *                               applies to the next `times` comment calls (default: all)
 *   GET    /__in-flight         { inFlight, underBehaviour }: comment calls received and not answered yet,
 *                                and those of them given the behaviour set last
 *   DELETE /__behaviour         back to normal answers
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour = {
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer with this HTTP status (e.g. 500, 503, 429) and a plain error body. */
  status?: number;
  /** With a 429 status: the Retry-After seconds (default 60). */
  retryAfter?: number;
  /** Answer `invalid` as for a bad key. */
  invalid?: boolean;
  /** Add `X-akismet-error: <value>` (the body stays a verdict). */
  error?: string;
  /** Add `X-akismet-pro-tip: <value>` to spam answers (e.g. "discard"). */
  proTip?: string;
  /** Add `X-akismet-alert-code` / `-msg`. */
  alert?: { code: string; msg: string };
  /** Answer this body instead of a verdict. */
  body?: string;
  /** Drop the connection without answering (a network error). */
  destroy?: boolean;
  /** How many comment calls this applies to; then normal again. Unset: until reset. */
  times?: number;
};

export type RecordedRequest = {
  at: string;
  method: string;
  path: string;
  host: string;
  params: Record<string, string>;
  response: { status: number; body: string; headers: Record<string, string> };
};

export type LocalAkismetOptions = {
  port?: number;
  host?: string;
  /** API keys it accepts. */
  keys?: string[];
  log?: boolean;
};

/** Words the local server treats as spam (the real service learns; this one keeps a list). */
export const LOCAL_SPAM_PHRASES = ["viagra", "cialis", "casino bonus", "payday loan", "replica watches"];

export const DEFAULT_LOCAL_KEYS = ["localdevkey"];

const COMMENT_CALLS = new Set(["comment-check", "submit-spam", "submit-ham"]);

function isSpam(params: Record<string, string>): boolean {
  if (params.user_role === "administrator") return false;
  if (params.comment_author === "akismet-guaranteed-spam") return true;
  if (params.comment_author_email === "akismet-guaranteed-spam@example.com") return true;
  const text = `${params.comment_author ?? ""} ${params.comment_content ?? ""}`.toLowerCase();
  return LOCAL_SPAM_PHRASES.some((p) => text.includes(p));
}

export async function startLocalAkismet(options: LocalAkismetOptions = {}) {
  const keys = new Set(options.keys ?? DEFAULT_LOCAL_KEYS);
  const requests: RecordedRequest[] = [];
  let behaviour: Behaviour | null = null;
  /** Comment calls received and not answered yet (tests wait on a call in flight). */
  let inFlight = 0;
  /** The same calls, each with the behaviour it was given (a test waits for calls under the one it set last). */
  const open = new Set<{ behaviour: Behaviour | null }>();

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 5 * 1024 * 1024) throw new Error("body too large");
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
    res.end(body);
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      const url = new URL(req.url ?? "/", "http://local");
      const path = url.pathname;

      // Control endpoints.
      if (path === "/__requests") {
        if (req.method === "DELETE") {
          requests.length = 0;
          return send(res, 204, "");
        }
        res.writeHead(200, { "Content-Type": "application/json" });
        return res.end(JSON.stringify(requests));
      }
      if (path === "/__behaviour") {
        if (req.method === "DELETE") {
          behaviour = null;
          return send(res, 204, "");
        }
        behaviour = JSON.parse((await readBody(req)) || "{}") as Behaviour;
        return send(res, 204, "");
      }
      if (path === "/__in-flight") {
        // Comment calls received and not answered yet (a test waits for one before a crash).
        res.writeHead(200, { "Content-Type": "application/json" });
        const underBehaviour = behaviour === null ? 0 : [...open].filter((call) => call.behaviour === behaviour).length;
        return res.end(JSON.stringify({ inFlight, underBehaviour }));
      }
      if (path === "/health") return send(res, 200, "ok");

      const raw = req.method === "GET" ? url.search.slice(1) : await readBody(req);
      const params = Object.fromEntries(new URLSearchParams(raw));
      const host = req.headers.host ?? "";
      const record = (status: number, body: string, headers: Record<string, string> = {}) => {
        const { api_key: _key, key: _k, ...safe } = params;
        requests.push({ at: new Date().toISOString(), method: req.method ?? "", path, host, params: { ...safe, ...(params.api_key || params.key ? { api_key: "(sent)" } : {}) }, response: { status, body, headers } });
        if (requests.length > 10_000) requests.shift();
        if (options.log) console.log(`[akismet-local] ${req.method} ${path} -> ${status} ${body}`);
        send(res, status, body, headers);
      };

      // The legacy KEY.host form puts the key in the host name.
      const hostKey = /^([a-z0-9]+)\.rest\.akismet\.com/i.exec(host)?.[1];
      const key = params.api_key ?? params.key ?? hostKey ?? "";

      if (path === "/1.1/verify-key" && req.method === "POST") {
        if (!params.blog) return record(200, "invalid", { "X-akismet-debug-help": "Empty \"blog\" value" });
        if (!keys.has(key)) return record(200, "invalid", { "X-akismet-debug-help": "We were unable to parse your key." });
        return record(200, "valid");
      }

      if (path === "/1.2/usage-limit" && req.method === "GET") {
        if (!keys.has(key)) return record(200, "invalid");
        res.writeHead(200, { "Content-Type": "application/json" });
        const counted = requests.filter((r) => r.path === "/1.1/comment-check").length;
        return res.end(JSON.stringify({ limit: "none", usage: counted, percentage: "0.00", throttled: false }));
      }

      const call = /^\/1\.1\/([a-z-]+)$/.exec(path)?.[1];
      if (!call || !COMMENT_CALLS.has(call) || req.method !== "POST") {
        return record(404, "Not found");
      }

      const b = behaviour;
      inFlight++;
      const call_ = { behaviour: b };
      open.add(call_);
      res.once("close", () => {
        inFlight--;
        open.delete(call_);
      });
      if (b) {
        if (b.times !== undefined) {
          b.times -= 1;
          if (b.times <= 0) behaviour = null;
        }
        if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
        if (res.destroyed) return;
        if (b.destroy) {
          req.socket.destroy();
          return;
        }
        if (b.status) return record(b.status, b.status === 429 ? "Too many requests" : "Internal server error", b.status === 429 ? { "Retry-After": String(b.retryAfter ?? 60) } : {});
        if (b.invalid) return record(200, "invalid", { "X-akismet-debug-help": "We were unable to parse your key." });
        if (b.body !== undefined) return record(200, b.body);
      }

      if (!params.blog) return record(200, "invalid", { "X-akismet-debug-help": "Empty \"blog\" value" });
      if (!keys.has(key)) return record(200, "invalid", { "X-akismet-debug-help": "We were unable to parse your key." });
      if (!params.user_ip && call === "comment-check") {
        return record(200, "Missing required field: user_ip.", { "X-akismet-debug-help": "Missing required field: user_ip." });
      }

      const headers: Record<string, string> = { "X-akismet-guid": crypto.randomUUID().replace(/-/g, "") };
      if (b?.error) headers["X-akismet-error"] = b.error;
      if (b?.alert) {
        headers["X-akismet-alert-code"] = b.alert.code;
        headers["X-akismet-alert-msg"] = b.alert.msg;
      }
      if (call !== "comment-check") return record(200, "Thanks for making the web a better place.", headers);
      const spam = isSpam(params);
      if (spam && b?.proTip) headers["X-akismet-pro-tip"] = b.proTip;
      return record(200, spam ? "true" : "false", headers);
    } catch (error) {
      send(res, 400, `Bad request: ${(error as Error).message}`);
    }
  };
  // Every failure is answered inside `handle`, so the promise is never left to reject.
  const server = http.createServer((req, res) => void handle(req, res));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  return {
    url,
    port: address.port,
    requests: () => requests.slice(),
    /** Comment calls (comment-check, submit-spam, submit-ham) received and not answered yet. */
    inFlight: () => inFlight,
    clearRequests: () => {
      requests.length = 0;
    },
    setBehaviour: (b: Behaviour | null) => {
      behaviour = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type LocalAkismet = Awaited<ReturnType<typeof startLocalAkismet>>;
