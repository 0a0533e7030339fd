import "server-only";
import { z } from "zod";
import { invalidTrustedProxies, splitTrustedProxies } from "@/lib/http/trusted-proxies";

/** Treats an empty variable (`FOO=`) the same as an unset one. */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. http://localhost:3000" })
  .transform((u) => u.replace(/\/+$/, ""));

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_PATH: optional(z.string().min(1)).transform((v) => v ?? "./data/app.db"),
  /** Run on PostgreSQL instead of the SQLite file (decision 014). */
  DATABASE_URL: optional(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/i, "must be a postgres:// URL, e.g. postgres://user@127.0.0.1:5432/newsroom"),
  ),
  /** PostgreSQL: connections each app instance keeps at most. */
  DATABASE_POOL_SIZE: optional(z.coerce.number().int().min(1).max(200)).transform((v) => v ?? 10),
  /** PostgreSQL: a statement running longer is cancelled (and the request fails with 503). */
  DATABASE_STATEMENT_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(600_000)).transform((v) => v ?? 5_000),
  SITE_URL: optional(httpUrl).transform((v) => v ?? "http://localhost:3000"),
  AKISMET_KEY: optional(
    z.string().regex(/^[A-Za-z0-9]{1,64}$/, "must be the alphanumeric key from akismet.com"),
  ),
  AKISMET_URL: optional(httpUrl).transform((v) => v ?? "https://rest.akismet.com"),
  NEXTAUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  NEXTAUTH_URL: optional(httpUrl),
  PORT: optional(z.coerce.number().int().min(1).max(65535)).transform((v) => v ?? 3000),
  /** SQLite's `synchronous` pragma: `normal` survives process crashes, `full` also power loss (decision 010). */
  SQLITE_SYNCHRONOUS: optional(
    z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(["normal", "full"], { error: "must be normal or full" })),
  ).transform((v) => v ?? "normal"),
  /** Mail (reply notifications, moderators' digest, personal-data links): smtp:// or smtps://; unset: no mail. */
  SMTP_URL: optional(
    z.string().regex(/^smtps?:\/\/\S+$/i, "must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587"),
  ),
  /** The From of the site's mail; default: "The Newsroom" <no-reply@ the SITE_URL host>. */
  MAIL_FROM: optional(z.string().max(320)),
  /** Single sign-on (OpenID Connect): the provider's issuer URL (discovery at /.well-known/openid-configuration); unset: password sign-in only. */
  OIDC_ISSUER: optional(httpUrl),
  OIDC_CLIENT_ID: optional(z.string().min(1).max(500)),
  OIDC_CLIENT_SECRET: optional(z.string().min(1).max(2000)),
  /** The provider's name on the button: `Sign in with <OIDC_NAME>`. */
  OIDC_NAME: optional(z.string().min(1).max(60)).transform((v) => v ?? "Single sign-on"),
  /** Reverse proxies whose X-Forwarded-For is believed: addresses and CIDRs, comma-separated. */
  TRUSTED_PROXIES: optional(z.string())
    .transform((v) => splitTrustedProxies(v ?? ""))
    .superRefine((entries, ctx) => {
      const bad = invalidTrustedProxies(entries);
      if (bad.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `not an IP address or CIDR: ${bad.map((b) => JSON.stringify(b)).join(", ")} (e.g. 10.0.0.2,192.168.0.0/16,::1)`,
        });
      }
    }),
}).superRefine((e, ctx) => {
  // Single sign-on needs all three; one or two set is a mistake to name, not to ignore.
  const oidc = { OIDC_ISSUER: e.OIDC_ISSUER, OIDC_CLIENT_ID: e.OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: e.OIDC_CLIENT_SECRET };
  const set = Object.values(oidc).filter(Boolean).length;
  if (set > 0 && set < 3) {
    for (const [variable, value] of Object.entries(oidc)) {
      if (!value) ctx.addIssue({ code: "custom", path: [variable], message: "must be set too: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" });
    }
  }
});

export type Env = z.infer<typeof envSchema>;

/** The single sign-on provider, when all three of its variables are set. */
export function oidcConfig(e: Env = env()): { issuer: string; clientId: string; clientSecret: string; name: string } | null {
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, name: e.OIDC_NAME };
}

export class EnvError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super(
      "Invalid environment configuration:\n" +
        issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n"),
    );
    this.name = "EnvError";
  }
}

/** Parses an environment; throws an EnvError that names each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "environment"),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process, parsed once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
