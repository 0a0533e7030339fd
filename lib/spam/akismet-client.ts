import "server-only";
import http from "node:http";
import https from "node:https";
import { AkismetClient } from "akismet-api";
import type { AkismetAnswer } from "./verdict";

export type AkismetCall = "comment-check" | "submit-spam" | "submit-ham";

/** Thrown for a call that got no HTTP answer (timeout, refused, DNS...). */
export class AkismetTransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = "AkismetTransportError";
  }
}

/**
 * The `akismet-api` client, extended once (see docs/akismet.md):
 * - comment calls go to `<AKISMET_URL>/1.1/<call>` with `api_key` in the body
 *   (the modern form; the library's `KEY.host` form does not resolve for a
 *   local server), added to the fields the library always sends (`blog`,
 *   `blog_lang`, `blog_charset`);
 * - `call()` sends every parameter it is given (the library drops the ones it
 *   does not know, such as `recheck_reason` and `comment_parent`), with a
 *   timeout, and returns the status, body and headers the library hides.
 * `verifyKey()` is the library's own.
 */
export class PlatformAkismetClient extends AkismetClient {
  declare endpoint: string;
  declare rootEndpoint: string;
  declare requestOpts: Record<string, string>;
  declare userAgent: string;

  constructor(options: { key: string; baseUrl: string; blog: string; lang: string; charset: string }) {
    const url = new URL(options.baseUrl);
    super({
      key: options.key,
      blog: options.blog,
      host: url.host,
      protocol: url.protocol.replace(/:$/, ""),
      lang: options.lang,
      charset: options.charset,
      userAgent: `Newsroom/0.1 | akismet-api/6.0.0 | Node.js/${process.version}`,
    });
    this.endpoint = this.rootEndpoint;
    this.requestOpts = { ...this.requestOpts, api_key: options.key };
  }

  /** POSTs one call; resolves with any HTTP answer, rejects only without one. */
  async call(
    name: AkismetCall,
    params: Record<string, string>,
    { timeoutMs }: { timeoutMs: number },
  ): Promise<AkismetAnswer> {
    const body = new URLSearchParams({ ...params, ...this.requestOpts }).toString();
    return postForm(new URL(`${this.endpoint}${name}`), body, this.userAgent, timeoutMs);
  }
}

// Plain node:http with keep-alive rather than fetch: inside Next, fetch is
// wrapped for its data cache (the request is cloned and traced), which cost
// more than the rest of the call on the comment benchmark (docs/decisions/004).
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

function postForm(url: URL, body: string, userAgent: string, timeoutMs: number): Promise<AkismetAnswer> {
  const deadline = Date.now() + timeoutMs;
  const attempt = (mayRetry: boolean): Promise<AkismetAnswer> =>
    new Promise((resolve, reject) => {
      const secure = url.protocol === "https:";
      let settled = false;
      const settle = (error: AkismetTransportError | null, answer?: AkismetAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(answer!);
      };
      const request = (secure ? https : http).request(
        url,
        {
          method: "POST",
          agent: agents[secure ? "https:" : "http:"],
          headers: {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Content-Length": Buffer.byteLength(body),
            "User-Agent": userAgent,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", (error) => settle(toTransportError(error, timeoutMs)));
          response.on("end", () => {
            const headers: Record<string, string> = {};
            for (const [key, value] of Object.entries(response.headers)) {
              if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
            }
            settle(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers });
          });
        },
      );
      const timer = setTimeout(() => {
        settle(new AkismetTransportError(`Akismet timed out after ${timeoutMs} ms`, true));
        request.destroy();
      }, Math.max(0, deadline - Date.now()));
      request.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as it was reused: once more on a new one.
        if (mayRetry && request.reusedSocket && error.code === "ECONNRESET" && !settled) {
          settled = true;
          clearTimeout(timer);
          attempt(false).then(resolve, reject);
          return;
        }
        settle(toTransportError(error, timeoutMs));
      });
      request.end(body);
    });
  return attempt(true);
}

function toTransportError(error: unknown, timeoutMs: number): AkismetTransportError {
  const e = error as { name?: string; code?: string; message?: string };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") {
    return new AkismetTransportError(`Akismet timed out after ${timeoutMs} ms`, true);
  }
  const detail = e?.code ?? e?.message ?? String(error);
  return new AkismetTransportError(`Akismet unreachable (${detail})`, false);
}
