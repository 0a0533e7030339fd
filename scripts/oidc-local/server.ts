/**
 * A local OpenID Connect provider for development and tests (the
 * `oidc-provider` package, v9): authorization code flow with PKCE (S256),
 * scopes `openid email profile`, client_secret_basic / client_secret_post at
 * the token endpoint, ID tokens signed RS256 with a key made at start. There
 * is no user database: its sign-in page asks for a subject, an email, a name
 * and whether the email is verified, and signs that subject in with exactly
 * those claims (kept in memory; a later sign-in as the same subject replaces
 * them). Consent is given at once, so after "Continue" the browser goes
 * straight back to the client. Everything (sessions, codes, accounts, keys)
 * lives in memory and is gone when it stops.
 *
 * Issuer: http://127.0.0.1:<port> (plain http on loopback: use this host, not
 * `localhost`, in the client's issuer setting; the provider's cookies live on
 * it). The protocol endpoints are the provider's own
 * (/.well-known/openid-configuration, /jwks, /auth, /token, /me, ...). Beside
 * them, not part of OIDC:
 *   GET  /interaction/:uid        the sign-in page (HTML form, no JavaScript needed)
 *   POST /interaction/:uid/login  its submission
 *   GET  /__accounts              the accounts signed in so far (JSON)
 *   GET  /health                  "ok"
 */
import { randomBytes, generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import Provider, { errors, type Configuration, type JWK, type KoaContextWithOIDC } from "oidc-provider";

export type LocalOidcClient = { clientId: string; clientSecret: string; redirectUris: string[] };

export type LocalOidcAccount = { sub: string; email?: string; email_verified: boolean; name?: string };

export type LocalOidcOptions = {
  /** 0 picks a free port. Default: OIDC_LOCAL_PORT, else 2680. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: one client, `newsroom` / `newsroom-local-secret`, redirecting to http://localhost:3000/api/auth/callback/oidc. */
  clients?: LocalOidcClient[];
  /** Refuse authorization requests without a PKCE code_challenge (default true). */
  requirePkce?: boolean;
  /** Log sign-ins and server errors to the console. */
  log?: boolean;
};

export type LocalOidc = {
  /** http://127.0.0.1:<port>, also the base of every URL below. */
  issuer: string;
  port: number;
  discoveryUrl: string;
  clients: LocalOidcClient[];
  /** The accounts signed in so far, by subject. */
  accounts: Map<string, LocalOidcAccount>;
  provider: Provider;
  close(): Promise<void>;
};

export const DEFAULT_CLIENT: LocalOidcClient = {
  clientId: "newsroom",
  clientSecret: "newsroom-local-secret",
  redirectUris: ["http://localhost:3000/api/auth/callback/oidc"],
};

/** Sign-in form bodies are tiny; anything larger is refused. */
const MAX_BODY_BYTES = 10 * 1024;

const escapeHtml = (value: unknown): string =>
  String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Keeps only what the page needs from the interaction's request parameters. */
const str = (value: unknown): string => (typeof value === "string" ? value : "");

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.8rem 0 .2rem}
input[type=text]{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
.check{display:flex;gap:.4rem;align-items:center;margin-top:1rem}
button{margin-top:1.2rem;padding:.5rem 1.2rem;font:inherit}
.note{color:#555;font-size:.9rem}.error{color:#a00}
</style>
</head>
<body>
${body}
</body>
</html>`;
}

type LoginFormValues = { subject: string; email: string; name: string; emailVerified: boolean };

function loginPage(uid: string, clientName: string, values: LoginFormValues, error?: string): string {
  return page(
    "Sign in: local OpenID provider",
    `<h1>Sign in</h1>
<p class="note">Local OpenID Connect provider for development: any subject signs in, with the claims typed here${
      clientName ? `, for <strong>${escapeHtml(clientName)}</strong>` : ""
    }.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login" autocomplete="off">
<label for="subject">Subject</label>
<input type="text" id="subject" name="subject" required value="${escapeHtml(values.subject)}" autofocus>
<label for="email">Email</label>
<input type="text" id="email" name="email" value="${escapeHtml(values.email)}">
<label for="name">Name</label>
<input type="text" id="name" name="name" value="${escapeHtml(values.name)}">
<div class="check"><input type="checkbox" id="email_verified" name="email_verified" value="yes"${
      values.emailVerified ? " checked" : ""
    }><label for="email_verified" style="margin:0">Email verified</label></div>
<button type="submit">Continue</button>
</form>`,
  );
}

export async function startLocalOidc(options: LocalOidcOptions = {}): Promise<LocalOidc> {
  const host = options.host ?? "127.0.0.1";
  const clients = (options.clients ?? [DEFAULT_CLIENT]).map((c) => ({ ...c, redirectUris: [...c.redirectUris] }));
  const requirePkce = options.requirePkce ?? true;
  const accounts = new Map<string, LocalOidcAccount>();
  const log = (message: string) => {
    if (options.log) console.log(`[oidc-local] ${message}`);
  };

  // The issuer needs the port, so the server listens first and the provider
  // is made once the port is known (port 0 = a free one).
  let handleProtocol: ((req: http.IncomingMessage, res: http.ServerResponse) => unknown) | null = null;
  let provider: Provider | null = null;

  const send = (res: http.ServerResponse, status: number, body: string, type = "text/html") => {
    res.writeHead(status, {
      "content-type": `${type}; charset=utf-8`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      // No `form-action` here: Chromium applies it to the redirects that
      // follow a form submission, and the sign-in form ends at the client's
      // redirect_uri on another origin.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    });
    res.end(body);
  };

  const interactionError = (res: http.ServerResponse, error: unknown) => {
    if (error instanceof errors.SessionNotFound || error instanceof errors.OIDCProviderError) {
      const e = error as errors.OIDCProviderError;
      return send(
        res,
        e.statusCode ?? 400,
        page("Sign-in failed", `<h1>Sign-in failed</h1><p>${escapeHtml(e.error_description ?? e.message)}</p><p class="note">Start the sign-in again from the site.</p>`),
      );
    }
    console.error("[oidc-local]", error);
    return send(res, 500, page("Error", "<h1>Something went wrong</h1>"));
  };

  const handleInteraction = async (req: http.IncomingMessage, res: http.ServerResponse, uid: string, action: string | undefined) => {
    const p = provider!;
    if (action === undefined && (req.method === "GET" || req.method === "HEAD")) {
      const details = await p.interactionDetails(req, res);
      if (details.uid !== uid) throw new errors.SessionNotFound("interaction session not found");
      const clientId = str(details.params.client_id);
      if (details.prompt.name === "login") {
        const known = details.session?.accountId ? accounts.get(details.session.accountId) : undefined;
        const hint = str(details.params.login_hint);
        const values: LoginFormValues = {
          subject: known?.sub ?? hint,
          email: known?.email ?? (hint.includes("@") ? hint : ""),
          name: known?.name ?? "",
          emailVerified: known?.email_verified ?? true,
        };
        return send(res, 200, loginPage(uid, clientId, values));
      }
      // Consent is given for whatever was asked (loadExistingGrant below
      // normally makes this prompt never appear).
      return finishConsent(req, res, details);
    }
    if (action === "login" && req.method === "POST") {
      let body: string;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          res.setHeader("connection", "close");
          return send(res, 413, page("Too large", "<h1>Request too large</h1>"));
        }
        throw error;
      }
      const form = new URLSearchParams(body);
      const details = await p.interactionDetails(req, res);
      if (details.uid !== uid || details.prompt.name !== "login") {
        throw new errors.SessionNotFound("interaction session not found");
      }
      const values: LoginFormValues = {
        subject: (form.get("subject") ?? "").trim(),
        email: (form.get("email") ?? "").trim(),
        name: (form.get("name") ?? "").trim(),
        emailVerified: form.has("email_verified"),
      };
      if (!values.subject) {
        return send(res, 400, loginPage(uid, str(details.params.client_id), values, "Subject is required."));
      }
      const account: LocalOidcAccount = {
        sub: values.subject,
        ...(values.email ? { email: values.email } : {}),
        email_verified: values.emailVerified,
        ...(values.name ? { name: values.name } : {}),
      };
      accounts.set(account.sub, account);
      log(`signed in ${JSON.stringify(account)} for ${str(details.params.client_id)}`);
      return p.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    }
    return send(res, 405, page("Not allowed", "<h1>Method not allowed</h1>"));
  };

  const finishConsent = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    details: Awaited<ReturnType<Provider["interactionDetails"]>>,
  ) => {
    const p = provider!;
    const accountId = details.session?.accountId;
    if (details.prompt.name !== "consent" || !accountId) {
      throw new errors.SessionNotFound("unexpected interaction");
    }
    const grant = (details.grantId ? await p.Grant.find(details.grantId) : undefined) ??
      new p.Grant({ accountId, clientId: str(details.params.client_id) });
    const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(" "));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    const grantId = await grant.save();
    return p.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    if (url.pathname === "/health" && (req.method === "GET" || req.method === "HEAD")) {
      return send(res, 200, "ok", "text/plain");
    }
    if (url.pathname === "/__accounts" && req.method === "GET") {
      return send(res, 200, JSON.stringify([...accounts.values()]), "application/json");
    }
    const interaction = /^\/interaction\/([^/]+)(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (interaction) {
      const uid = decodeURIComponent(interaction[1]!);
      handleInteraction(req, res, uid, interaction[2]).catch((error: unknown) => {
        if (res.headersSent) {
          console.error("[oidc-local]", error);
          res.end();
        } else {
          interactionError(res, error);
        }
      });
      return;
    }
    if (!handleProtocol) return send(res, 503, "starting", "text/plain");
    void handleProtocol(req, res);
  });

  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? Number(process.env.OIDC_LOCAL_PORT ?? 2680), host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => console.error("[oidc-local]", error));
  const port = (server.address() as AddressInfo).port;
  const issuerHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const issuer = `http://${issuerHost}:${port}`;

  // A fresh RS256 signing key for every start.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = {
    ...(privateKey.export({ format: "jwk" }) as JWK),
    kid: `local-${randomBytes(6).toString("hex")}`,
    alg: "RS256",
    use: "sig",
  } as JWK;

  const configuration: Configuration = {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      // client_secret_post is accepted too: oidc-provider treats the two
      // client secret methods as one.
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "RS256",
    })),
    jwks: { keys: [signingKey] },
    enabledJWA: { idTokenSigningAlgValues: ["RS256"] },
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    responseTypes: ["code"],
    pkce: { required: () => requirePkce },
    scopes: ["openid"],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    // Scope claims go into the ID token as well as /me: next-auth v4 reads
    // the profile from the ID token (`idToken: true`).
    conformIdTokenClaims: false,
    // In seconds (numbers, so the package does not log its "change this" notices).
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // Plain http on loopback: the cookies must not be `Secure` (the cookies
    // module refuses to send a secure cookie over http, and the browser would
    // drop it); `SameSite=Lax` lets them ride along on the top-level redirect
    // from the client. Names of their own, since cookies on 127.0.0.1 are
    // shared by every port (a site on 127.0.0.1:3000 would see them).
    cookies: {
      names: {
        session: "oidc_local_session",
        interaction: "oidc_local_interaction",
        resume: "oidc_local_interaction_resume",
      },
      long: { httpOnly: true, sameSite: "lax", secure: false },
      short: { httpOnly: true, sameSite: "lax", secure: false },
      keys: [randomBytes(32).toString("base64url")],
    },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          const account = accounts.get(id);
          return account ? { ...account } : { sub: id };
        },
      };
    },
    // No consent page: the grant for the signed-in account is extended with
    // whatever scopes and claims this request asks for.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      const accountId = oidc.account?.accountId ?? oidc.session?.accountId;
      const clientId = oidc.client!.clientId;
      if (!accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (grant && (grant.accountId !== accountId || grant.clientId !== clientId)) grant = undefined;
      grant ??= new oidc.provider.Grant({ accountId, clientId });
      const scopes = [...oidc.requestParamOIDCScopes];
      if (scopes.length) grant.addOIDCScope(scopes.join(" "));
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = page(
        "Error",
        `<h1>Error</h1>${Object.entries(out)
          .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
          .join("")}`,
      );
    },
  };

  try {
    provider = new Provider(issuer, configuration);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  provider.on("server_error", (_ctx, error) => console.error("[oidc-local] server_error", error));
  if (options.log) {
    provider.on("grant.error", (_ctx, error) => log(`token endpoint: ${error.message}`));
    provider.on("authorization.error", (_ctx, error) => log(`authorization endpoint: ${error.message}`));
  }
  const callback = provider.callback();
  handleProtocol = (req, res) => callback(req, res);

  return {
    issuer,
    port,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    clients,
    accounts,
    provider,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
