// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native/WASM database drivers are loaded by Node at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'pg', '@prisma/adapter-pg', 'soap'],
  images: { unoptimized: true },
  experimental: {
    // Set deliberately, not left to defaults: Next counts a server action's body as it reads it and
    // answers 413 past this; our actions take a few form fields. app/action-envelope.ts checks the
    // same 1 MB (ACTION_BODY_LIMIT) before Next does.
    serverActions: { bodySizeLimit: '1mb' },
    // proxy.ts reads server-action bodies (only those) through a copy Next buffers up to this;
    // the default is 10 MB per request. Just over the action limit, so a body cut off here is
    // still seen as too large rather than passed on truncated.
    proxyClientMaxBodySize: 1024 * 1024 + 64 * 1024,
  },
};

export default nextConfig;
