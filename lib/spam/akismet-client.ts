import "server-only";
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
    const body = new URLSearchParams({ ...params, ...this.requestOpts });
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${name}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
          "User-Agent": this.userAgent,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw toTransportError(error, timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw toTransportError(error, timeoutMs);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    return { status: response.status, body: text, headers };
  }
}

function toTransportError(error: unknown, timeoutMs: number): AkismetTransportError {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") {
    return new AkismetTransportError(`Akismet timed out after ${timeoutMs} ms`, true);
  }
  const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
  return new AkismetTransportError(`Akismet unreachable (${detail})`, false);
}
