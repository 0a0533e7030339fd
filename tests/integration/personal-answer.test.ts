/**
 * The personal request's two ways in (lib/comments/personal-answer.ts): Next's
 * route, reading the request's cookies, and the fast path scripts/server.mjs
 * takes, reading the raw Cookie header. For the same cookies they answer the
 * same status, headers and body, with a real session token.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", () => import("../support/next-request"));

const { request, resetRequest } = await import("../support/next-request");
const { cookiesOfHeader, personalAnswerFromHeader, personalAnswerFromRequest } = await import("@/lib/comments/personal-answer");
const { authorizeCredentials, getAuthOptions, sessionToken } = await import("@/lib/auth/options");
const { createAccount } = await import("@/lib/auth/users");
const { OWN_COMMENTS_COOKIE, writeOwnCommentIds } = await import("@/lib/comments/ownership");
const { REMEMBER_COOKIE, encodeRemembered } = await import("@/lib/comments/remember");
const { setRespect } = await import("@/lib/comments/respect");
const { encode } = await import("next-auth/jwt");
const { createArticle, createComment } = await import("../support/factories");

beforeEach(() => resetRequest());

let n = 0;
/** A reader signed in as next-auth does it: the session cookie's value. */
async function signedIn(): Promise<{ id: number; cookie: string }> {
  n += 1;
  const email = `fast${n}@example.com`;
  const created = await createAccount({ name: `Fast Reader ${n}`, email, password: "a long enough password", role: "reader" });
  if (!created.ok) throw new Error(created.reason);
  const user = await authorizeCredentials({ email, password: "a long enough password" }, { "x-newsroom-peer-ip": "198.51.100.201" });
  const token = await sessionToken({ sub: String(created.id), name: user!.name, email }, user!);
  return { id: created.id, cookie: await encode({ token, secret: getAuthOptions().secret! }) };
}

/** Both answers for the cookies in `request.cookies`. */
async function both(slug: string) {
  const header = [...request.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
  return { route: await personalAnswerFromRequest(slug), fast: await personalAnswerFromHeader(slug, header || undefined) };
}

describe("the personal request's fast path", () => {
  it("answers what the route answers: a signed-in reader, a remembered guest with a held comment, nobody, and an unknown article", async () => {
    const article = await createArticle();
    const reader = await signedIn();
    const other = await createComment(article.id);
    await createComment(article.id, { status: "pending", userId: reader.id, content: "Held, by account." });
    await setRespect({ commentId: other.id, userId: reader.id, intent: "respect" });
    const guestHeld = await createComment(article.id, { status: "pending", content: "Held, by a guest." });

    request.cookies.set("next-auth.session-token", reader.cookie);
    const signed = await both(article.slug);
    expect(signed.route.status).toBe(200);
    expect(JSON.parse(signed.route.body)).toMatchObject({ account: { name: `Fast Reader ${n}` }, respected: [other.id] });
    expect(signed.fast).toEqual(signed.route);

    resetRequest();
    request.cookies.set(OWN_COMMENTS_COOKIE, writeOwnCommentIds([guestHeld.id]));
    request.cookies.set(REMEMBER_COOKIE, encodeRemembered({ name: "Gina Guest", email: "gina@example.com", url: "" }));
    const guest = await both(article.slug);
    expect(JSON.parse(guest.route.body).held).toHaveLength(1);
    expect(guest.fast).toEqual(guest.route);

    resetRequest();
    const nobody = await both(article.slug);
    expect(JSON.parse(nobody.route.body)).toMatchObject({ account: null, remembered: null, held: [] });
    expect(nobody.fast).toEqual(nobody.route);

    const missing = await both("no-such-article");
    expect(missing.route.status).toBe(404);
    expect(missing.fast).toEqual(missing.route);
    for (const answer of [signed.fast, guest.fast, nobody.fast, missing.fast]) {
      expect(answer.headers).toMatchObject({ "Cache-Control": "private, no-store", Vary: "Cookie" });
    }
  });

  it("reads no one from a forged or tampered session cookie, and nothing from an oversized Cookie header", async () => {
    const article = await createArticle();
    const reader = await signedIn();
    const tampered = reader.cookie.slice(0, -3) + (reader.cookie.endsWith("AAA") ? "BBB" : "AAA");
    for (const value of [tampered, "not-a-token"]) {
      const answer = await personalAnswerFromHeader(article.slug, `next-auth.session-token=${value}`);
      expect(JSON.parse(answer.body).account).toBeNull();
    }
    const huge = `padding=${"x".repeat(17 * 1024)}; next-auth.session-token=${reader.cookie}`;
    expect(JSON.parse((await personalAnswerFromHeader(article.slug, huge)).body).account).toBeNull();
    // Within the bound, the same reader is read.
    expect(JSON.parse((await personalAnswerFromHeader(article.slug, `a=1; next-auth.session-token=${reader.cookie}`)).body).account).not.toBeNull();
  });

  it("reads a cookie sent twice as Next does, the last one sent (a cookie planted for a narrower path comes first)", async () => {
    const article = await createArticle();
    const [first, last] = [await signedIn(), await signedIn()];
    const header = `next-auth.session-token=${first.cookie}; next-auth.session-token=${last.cookie}`;
    expect(cookiesOfHeader(header)).toEqual([{ name: "next-auth.session-token", value: last.cookie }]);
    const account = JSON.parse((await personalAnswerFromHeader(article.slug, header)).body).account as { name: string };
    const lastName = JSON.parse((await personalAnswerFromHeader(article.slug, `next-auth.session-token=${last.cookie}`)).body).account as { name: string };
    expect(account.name).toBe(lastName.name);
    expect(cookiesOfHeader("a=1; b=%20two; ; c")).toEqual([
      { name: "a", value: "1" },
      { name: "b", value: " two" },
    ]);
  });
});
