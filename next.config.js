const dev = process.env.NODE_ENV !== "production";

// Sent with every response. Scripts: this site only; Next's inline bootstrap
// scripts need 'unsafe-inline' (no eval outside development, where React's
// tooling needs it). Images may come from https (editors' hero image URLs).
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), interest-cohort=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  poweredByHeader: false,
  reactStrictMode: true,
  // superagent (akismet-api's HTTP client) cannot be bundled by Turbopack.
  serverExternalPackages: ["akismet-api"],
  // forbidden() answers 403 with app/forbidden.tsx (lib/auth/session.ts).
  experimental: {
    authInterrupts: true,
    // Comment form posts: keep equal to COMMENT_FORM_BODY_LIMIT_BYTES
    // (lib/comments/form-limits.ts); bigger posts get proxy.ts's 413 page.
    serverActions: { bodySizeLimit: "1mb" },
  },
  // Migrations and seed articles are read from disk at start-up.
  outputFileTracingIncludes: {
    "/**": ["./db/migrations/**/*", "./db/seed/**/*"],
  },
};

module.exports = nextConfig;
