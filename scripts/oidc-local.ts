/**
 * `npm run oidc:local`: the local OpenID Connect provider for development and
 * tests (scripts/oidc-local/server.ts). Issuer http://127.0.0.1:<OIDC_LOCAL_PORT>
 * (default 2680); one client from OIDC_LOCAL_CLIENT_ID (default `newsroom`),
 * OIDC_LOCAL_CLIENT_SECRET (default `newsroom-local-secret`) and
 * OIDC_LOCAL_REDIRECT_URIS (comma-separated, default
 * http://localhost:3000/api/auth/callback/oidc). PKCE (S256) is required:
 * OIDC_LOCAL_REQUIRE_PKCE=0 allows requests without it. Its sign-in page signs
 * in any subject with the claims typed there; nothing is kept after it stops.
 */
import { DEFAULT_CLIENT, startLocalOidc } from "./oidc-local/server";

async function main() {
  const redirectUris = (process.env.OIDC_LOCAL_REDIRECT_URIS ?? DEFAULT_CLIENT.redirectUris.join(","))
    .split(",")
    .map((uri) => uri.trim())
    .filter(Boolean);
  const server = await startLocalOidc({
    port: Number(process.env.OIDC_LOCAL_PORT ?? 2680),
    clients: [
      {
        clientId: process.env.OIDC_LOCAL_CLIENT_ID ?? DEFAULT_CLIENT.clientId,
        clientSecret: process.env.OIDC_LOCAL_CLIENT_SECRET ?? DEFAULT_CLIENT.clientSecret,
        redirectUris,
      },
    ],
    requirePkce: process.env.OIDC_LOCAL_REQUIRE_PKCE !== "0",
    log: process.env.OIDC_LOCAL_LOG !== "0",
  });
  const client = server.clients[0]!;
  console.log(`Local OpenID Connect provider (development only; any subject signs in)
  issuer:        ${server.issuer}
  discovery:     ${server.discoveryUrl}
  client id:     ${client.clientId}
  client secret: ${client.clientSecret}
  redirect URIs: ${client.redirectUris.join(", ")}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
