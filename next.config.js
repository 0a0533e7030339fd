/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Migrations and seed articles are read from disk at start-up.
  outputFileTracingIncludes: {
    "/**": ["./db/migrations/**/*", "./db/seed/**/*"],
  },
};

module.exports = nextConfig;
