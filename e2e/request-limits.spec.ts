import http from "node:http";
import { expect, test } from "./support/test";

const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";

/**
 * Sends a chunked body (no Content-Length) of up to `maxBytes`, a chunk at a
 * time, and stops sending as soon as the answer arrives: the server must
 * answer without waiting for, or holding, the whole body.
 */
function postChunked(url: string, headers: Record<string, string>, maxBytes: number) {
  return new Promise<{ status: number; contentType: string; body: string; bytesSent: number }>((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, "a");
    const request = http.request(url, { method: "POST", headers: { ...headers, "Transfer-Encoding": "chunked" } }, (response) => {
      answered = true;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (d: string) => (body += d));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers["content-type"] ?? ""), body, bytesSent });
      });
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    request.write('{"content":"');
    const pump = () => {
      while (!answered && bytesSent < maxBytes) {
        bytesSent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end('"}');
    };
    pump();
  });
}

test.describe("request bodies are bounded", () => {
  test("a comment POST larger than the limit is answered 413 with a JSON error", async ({ request, baseURL }) => {
    const response = await request.post(`/api/articles/${SLUG}/comments`, {
      headers: { Origin: baseURL!, "Content-Type": "application/json" },
      data: JSON.stringify({ content: "x".repeat(2 * 1024 * 1024), name: "Big", email: "big@example.com" }),
    });
    expect(response.status()).toBe(413);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(await response.json()).toEqual({ error: expect.stringContaining("too large") });
  });

  test("a chunked comment POST without Content-Length is cut off at the limit", async ({ baseURL }) => {
    const maxBytes = 64 * 1024 * 1024;
    const answer = await postChunked(
      `${baseURL}/api/articles/${SLUG}/comments`,
      { Origin: baseURL!, "Content-Type": "application/json" },
      maxBytes,
    );
    expect(answer.status).toBe(413);
    expect(answer.contentType).toContain("application/json");
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining("too large") });
    // Answered long before the 64 MB were sent.
    expect(answer.bytesSent).toBeLessThan(maxBytes / 2);
  });

  test("a comment of the longest valid length is not refused for its size", async ({ request, baseURL }) => {
    const response = await request.post(`/api/articles/${SLUG}/comments`, {
      headers: { Origin: baseURL!, "Content-Type": "application/json" },
      // 65,525 three-byte characters: about 192 KiB of UTF-8, a valid comment.
      data: JSON.stringify({ content: "€".repeat(65_525), name: "Long Reader", email: "long-reader@example.com" }),
    });
    expect(response.status()).not.toBe(413);
  });

  test("next-auth's handler refuses an oversized sign-in body with 413", async ({ request }) => {
    const response = await request.post("/api/auth/callback/credentials", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      data: `email=a%40example.com&password=${"p".repeat(1024 * 1024)}`,
    });
    expect(response.status()).toBe(413);
    expect(await response.json()).toEqual({ error: expect.stringContaining("too large") });
  });

  test("next-auth still reads a sign-in body within the limit", async ({ request }) => {
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await request.post("/api/auth/callback/credentials", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      form: { csrfToken, email: "nobody-here@example.com", password: "wrong password", json: "true" },
    });
    // A wrong password: next-auth read the form and points back to the sign-in page with an error.
    expect(response.status()).toBe(401);
    expect(((await response.json()) as { url: string }).url).toContain("error=CredentialsSignin");
  });
});
