// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native/WASM database drivers are loaded by Node at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'pg', '@prisma/adapter-pg', 'soap'],
  images: { unoptimized: true },
  experimental: {
    // The stylesheet (14 kB) goes into each page's HTML as a <style> with the response's CSP nonce
    // instead of a render-blocking request: on a phone's slow link that is a round trip less before
    // the first paint. The pay page (Pages Router) does the same in pages/_document.tsx.
    inlineCss: true,
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
