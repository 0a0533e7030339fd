/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // superagent (akismet-api's HTTP client) cannot be bundled by Turbopack.
  serverExternalPackages: ["akismet-api"],
  // Migrations and seed articles are read from disk at start-up.
  outputFileTracingIncludes: {
    "/**": ["./db/migrations/**/*", "./db/seed/**/*"],
  },
};

module.exports = nextConfig;
