/**
 * The local OpenID Connect provider (scripts/oidc-local/server.ts), driven as
 * a browser would: openid-client v5 (next-auth v4's own client) discovers it
 * and builds the authorization URL (PKCE S256, state, nonce); plain `fetch`
 * follows the redirects by hand, carrying the provider's cookies, fills its
 * sign-in form and hands the redirect back to openid-client, which checks
 * the code exchange and the ID token.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Issuer, generators, type BaseClient, type IdTokenClaims } from "openid-client";
import { startLocalOidc, type LocalOidc } from "../../scripts/oidc-local/server";

const CLIENT = { clientId: "newsroom-test", clientSecret: "test-secret", redirectUris: ["http://localhost:3000/api/auth/callback/oidc"] };
const REDIRECT_URI = CLIENT.redirectUris[0]!;

let oidc: LocalOidc;
let client: BaseClient;
let issuer: Issuer<BaseClient>;

beforeAll(async () => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  oidc = await startLocalOidc({ port: 0, clients: [CLIENT] });
  issuer = await Issuer.discover(oidc.issuer);
  client = new issuer.Client({
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    redirect_uris: [REDIRECT_URI],
    response_types: ["code"],
    id_token_signed_response_alg: "RS256",
  });
});
afterAll(async () => {
  await oidc?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A browser's cookie jar, enough for one host: name + path, path-matched, deletions honoured. */
class Browser {
  private cookies = new Map<string, { name: string; value: string; path: string }>();
  /** How many of the provider's auto-submitted forms were sent on. */
  autoSubmitted = 0;

  private store(setCookies: string[], url: URL) {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(";").map((part) => part.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = url.pathname.replace(/\/[^/]*$/, "") || "/";
      let expired = value === "";
      for (const attribute of attributes) {
        const [key, val = ""] = attribute.split("=");
        if (key!.toLowerCase() === "path") path = val;
        if (key!.toLowerCase() === "expires" && Date.parse(val) <= Date.now()) expired = true;
        if (key!.toLowerCase() === "max-age" && Number(val) <= 0) expired = true;
      }
      const id = `${name}\n${path}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  cookieHeader(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const target = new URL(url);
    const headers: Record<string, string> = { cookie: this.cookieHeader(target) };
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
    this.store(response.headers.getSetCookie(), target);
    return response;
  }

  /**
   * Follows redirects (and the provider's auto-submitted forms, as a browser
   * without JavaScript would press their button) until either the client's
   * redirect_uri (never fetched: nothing listens there) or a page for the
   * user: the sign-in form.
   */
  async navigate(url: string, init: { form?: Record<string, string> } = {}): Promise<{ callback: string } | { page: string; url: string; status: number }> {
    let next: { url: string; form?: Record<string, string> } = { url, ...init };
    for (let hop = 0; hop < 20; hop++) {
      if (next.url.startsWith(REDIRECT_URI)) return { callback: next.url };
      const response = await this.request(next.url, { form: next.form });
      if (response.status >= 300 && response.status < 400) {
        next = { url: new URL(response.headers.get("location")!, next.url).href };
        continue;
      }
      const page = await response.text();
      const autoSubmit = /document\.forms\[0\]\.submit\(\)/.test(page) ? formOf(page, next.url) : null;
      if (autoSubmit) {
        this.autoSubmitted++;
        next = autoSubmit;
        continue;
      }
      return { page, url: next.url, status: response.status };
    }
    throw new Error("too many redirects");
  }
}

/** The first form of a page: its absolute action and its inputs' current values. */
function formOf(html: string, base: string): { url: string; form: Record<string, string> } | null {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (!name) continue;
    const type = /type="([^"]*)"/.exec(input[0])?.[1] ?? "text";
    if (type === "checkbox" && !/\schecked\b/.test(input[0])) continue;
    fields[decode(name)] = decode(/value="([^"]*)"/.exec(input[0])?.[1] ?? "");
  }
  return { url: new URL(decode(form[1]!), base).href, form: fields };
}

type Login = { subject: string; email?: string; name?: string; emailVerified?: boolean };

/** Fills the sign-in page like a person: by the labels' fields. */
function fillLogin(html: string, url: string, login: Login) {
  expect(html).toMatch(/<label for="subject">Subject<\/label>/);
  expect(html).toMatch(/<label for="email">Email<\/label>/);
  expect(html).toMatch(/<label for="name">Name<\/label>/);
  expect(html).toMatch(/<label for="email_verified"[^>]*>Email verified<\/label>/);
  expect(html).toMatch(/<button type="submit">Continue<\/button>/);
  const { url: action, form } = formOf(html, url)!;
  expect(new URL(action).origin).toBe(oidc.issuer);
  const fields: Record<string, string> = { subject: login.subject, email: login.email ?? "", name: login.name ?? "" };
  if (login.emailVerified ?? "email_verified" in form) fields.email_verified = form.email_verified ?? "yes";
  return { action, fields };
}

/** An authorization request as next-auth would make it, with its checks kept for the callback. */
function authorization(extra: Record<string, string> = {}, c: BaseClient = client) {
  const codeVerifier = generators.codeVerifier();
  const state = generators.state();
  const nonce = generators.nonce();
  const url = c.authorizationUrl({
    scope: "openid email profile",
    redirect_uri: REDIRECT_URI,
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, checks: { code_verifier: codeVerifier, state, nonce, response_type: "code" as const, ...("max_age" in extra ? { max_age: Number(extra.max_age) } : {}) } };
}

async function exchange(callbackUrl: string, checks: ReturnType<typeof authorization>["checks"], c: BaseClient = client) {
  const params = c.callbackParams(callbackUrl);
  const tokens = await c.callback(REDIRECT_URI, params, checks);
  return tokens.claims();
}

/** Signs in through the form; returns the ID token's claims. */
async function signIn(browser: Browser, login: Login, extra: Record<string, string> = {}): Promise<IdTokenClaims> {
  const { url, checks } = authorization(extra);
  const shown = await browser.navigate(url);
  if (!("page" in shown)) throw new Error(`expected the sign-in page, went back to the client: ${shown.callback}`);
  expect(shown.status).toBe(200);
  expect(new URL(shown.url).pathname).toMatch(/^\/interaction\/[^/]+$/);
  const { action, fields } = fillLogin(shown.page, shown.url, login);
  const done = await browser.navigate(action, { form: fields });
  if (!("callback" in done)) throw new Error(`expected a redirect to the client, got ${done.status}: ${done.page.slice(0, 300)}`);
  expect(new URL(done.callback).searchParams.get("code")).toBeTruthy();
  return exchange(done.callback, checks);
}

describe("local OpenID Connect provider", () => {
  it("publishes discovery and a JWKS with its RS256 key, and answers /health", async () => {
    expect(issuer.metadata.issuer).toBe(oidc.issuer);
    expect(oidc.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.metadata).toMatchObject({
      authorization_endpoint: `${oidc.issuer}/auth`,
      token_endpoint: `${oidc.issuer}/token`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    expect(issuer.metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(["client_secret_basic", "client_secret_post"]));
    expect(issuer.metadata.scopes_supported).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
    const jwks = (await (await fetch(issuer.metadata.jwks_uri!)).json()) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
    const health = await fetch(`${oidc.issuer}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok");
  });

  it("signs in the subject typed on the form, with those claims in the ID token; then returns at once, and prompt=login asks again", async () => {
    const browser = new Browser();
    const claims = await signIn(browser, { subject: "alice", email: "alice@example.com", name: "Alice Archer", emailVerified: true });
    expect(claims).toMatchObject({ iss: oidc.issuer, aud: CLIENT.clientId, sub: "alice", email: "alice@example.com", email_verified: true, name: "Alice Archer" });

    const accounts = (await (await fetch(`${oidc.issuer}/__accounts`)).json()) as unknown[];
    expect(accounts).toContainEqual({ sub: "alice", email: "alice@example.com", email_verified: true, name: "Alice Archer" });

    // Signed in at the provider: straight back with a code, no form.
    const again = authorization();
    const back = await browser.navigate(again.url);
    expect(back).toHaveProperty("callback");
    expect(await exchange((back as { callback: string }).callback, again.checks)).toMatchObject({ sub: "alice", email_verified: true });

    // prompt=login: the form again (filled in with the current account), and new fields replace the old ones.
    const relogin = authorization({ prompt: "login" });
    const shown = await browser.navigate(relogin.url);
    if (!("page" in shown)) throw new Error("prompt=login went back without the sign-in page");
    expect(shown.page).toContain('value="alice"');
    const { action, fields } = fillLogin(shown.page, shown.url, { subject: "alice", email: "a.archer@example.com", name: "A. Archer", emailVerified: true });
    const done = await browser.navigate(action, { form: fields });
    if (!("callback" in done)) throw new Error(`expected a redirect to the client, got ${done.status}`);
    expect(await exchange(done.callback, relogin.checks)).toMatchObject({ sub: "alice", email: "a.archer@example.com", name: "A. Archer" });
    expect(oidc.accounts.get("alice")).toEqual({ sub: "alice", email: "a.archer@example.com", email_verified: true, name: "A. Archer" });
  });

  it("gives email_verified false when the box is unticked", async () => {
    const claims = await signIn(new Browser(), { subject: "bob", email: "bob@example.com", name: "Bob", emailVerified: false });
    expect(claims).toMatchObject({ sub: "bob", email: "bob@example.com", email_verified: false, name: "Bob" });
  });

  it("asks again when the sign-in is older than max_age", async () => {
    const browser = new Browser();
    await signIn(browser, { subject: "carol", email: "carol@example.com" });
    // Well within max_age: no form.
    const fresh = authorization({ max_age: "3600" });
    expect(await browser.navigate(fresh.url)).toHaveProperty("callback");
    // Two hours on (the clock is moved, not waited for): the form again.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 3600_000 });
    const claims = await signIn(browser, { subject: "carol", email: "carol@example.com" }, { max_age: "3600" });
    expect(claims.sub).toBe("carol");
    expect(claims.auth_time).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);
  });

  it("signs in another subject in the same browser with prompt=login (the provider ends the old session first)", async () => {
    const browser = new Browser();
    await signIn(browser, { subject: "dave" });
    expect(browser.autoSubmitted).toBe(0);
    const claims = await signIn(browser, { subject: "erin", email: "erin@example.com" }, { prompt: "login" });
    expect(claims).toMatchObject({ sub: "erin", email: "erin@example.com" });
    // The logout confirmation form (auto-submitted by script, a button without it).
    expect(browser.autoSubmitted).toBe(1);
  });

  it("refuses a wrong client secret at the token endpoint, and takes client_secret_post as well as basic", async () => {
    const browser = new Browser();
    await signIn(browser, { subject: "frank" });
    const { url, checks } = authorization();
    const back = await browser.navigate(url);
    const callback = (back as { callback: string }).callback;
    expect(callback).toBeTruthy();

    const wrong = new issuer.Client({ client_id: CLIENT.clientId, client_secret: "not-the-secret", redirect_uris: [REDIRECT_URI], response_types: ["code"] });
    await expect(exchange(callback, checks, wrong)).rejects.toMatchObject({ error: "invalid_client" });
    const wrongPost = new issuer.Client({
      client_id: CLIENT.clientId,
      client_secret: "not-the-secret",
      redirect_uris: [REDIRECT_URI],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    });
    await expect(exchange(callback, checks, wrongPost)).rejects.toMatchObject({ error: "invalid_client" });

    // The refused attempts did not use up the code.
    const post = new issuer.Client({
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      redirect_uris: [REDIRECT_URI],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    });
    expect(await exchange(callback, checks, post)).toMatchObject({ sub: "frank" });
  });

  it("requires PKCE and checks the code verifier", async () => {
    const browser = new Browser();
    await signIn(browser, { subject: "grace" });
    const state = generators.state();
    const withoutPkce = await browser.navigate(client.authorizationUrl({ scope: "openid", redirect_uri: REDIRECT_URI, state, nonce: generators.nonce() }));
    const refused = new URL((withoutPkce as { callback: string }).callback);
    expect(refused.searchParams.get("error")).toBe("invalid_request");
    expect(refused.searchParams.get("state")).toBe(state);

    const { url, checks } = authorization();
    const back = (await browser.navigate(url)) as { callback: string };
    await expect(exchange(back.callback, { ...checks, code_verifier: generators.codeVerifier() })).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("escapes what was typed on the sign-in page, requires a subject, and bounds the body", async () => {
    const browser = new Browser();
    const shown = await browser.navigate(authorization().url);
    if (!("page" in shown)) throw new Error("expected the sign-in page");
    const { url: action } = formOf(shown.page, shown.url)!;
    const hostile = `"><script>alert(1)</script>`;
    const again = await browser.request(action, { form: { subject: " ", email: hostile, name: hostile, email_verified: "yes" } });
    expect(again.status).toBe(400);
    const html = await again.text();
    expect(html).toContain("Subject is required.");
    expect(html).not.toContain("<script>");
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');

    const big = await browser.request(action, { form: { subject: "x".repeat(20_000) } });
    expect(big.status).toBe(413);

    // The interaction still works after both.
    const done = await browser.navigate(action, { form: { subject: "heidi", email_verified: "yes" } });
    expect(done).toHaveProperty("callback");
  });
});
