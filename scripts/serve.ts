// The production server: Next's request handler on our own node:http server, so the client's
// address comes from the socket. `next start` keeps a client-sent X-Forwarded-For (it only fills the
// header in when it is absent), which would let anyone choose the address failed logins count
// against. Before Next sees a request, X-Forwarded-For is replaced by the trusted chain:
//
//   TRUST_PROXY_HOPS unset or 0: just the socket's address (the client's own header is dropped).
//   TRUST_PROXY_HOPS=N:          the incoming header with the socket's address appended; the app
//                                (lib/admin/http.ts clientAddress) takes the N-th entry from the right
//                                of the incoming entries, i.e. the address the outermost of the N
//                                proxies saw (each appends its peer, as nginx's
//                                `proxy_add_x_forwarded_for` does).
//
//   node --import tsx scripts/serve.ts --port 3000 [--hostname 127.0.0.1]
import http from 'node:http';
import path from 'node:path';
import { trustedForwardedFor } from '../lib/admin/client-address';
import { getConfig } from '../lib/config';

const root = path.resolve(import.meta.dirname, '..');
/** Longer than any proxy's idle keep-alive to the shop (nginx's upstream keepalive_timeout). */
const KEEP_ALIVE_MS = 65_000;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  // As `next start` does, before the configuration is read and Next (and React) are loaded.
  (process.env as Record<string, string | undefined>).NODE_ENV ||= 'production';
  const port = Number(option('port') ?? process.env.PORT ?? 3000);
  const hostname = option('hostname');
  const hops = getConfig().trustProxyHops; // validated: a bad value stops the start with a sentence
  // What `next start` sets; the shop's processes are found by it (scripts/lib/bench-cpu.ts).
  process.title = 'next-server (seqr-shop)';
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: root, port, hostname: hostname ?? 'localhost' });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    req.headers['x-forwarded-for'] = trustedForwardedFor(req.headers['x-forwarded-for'], req.socket.remoteAddress, hops);
    handle(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The shop could not answer this request.');
    });
  });
  // A proxy in front keeps idle connections open to reuse them (deploy/nginx.conf: 60 s). Node's
  // default of 5 s would close them under it, and a request nginx sends on a connection just closed
  // fails; a POST (a checkout, a notification) is not resent, so the shopper or SEQR gets a 502.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
  console.log(`The shop is listening on http://${hostname ?? 'localhost'}:${port} (client addresses: ${hops === 0 ? 'from the socket' : `${hops} trusted proxy hop(s)`}).`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // As `next start` does: stop accepting, let running requests finish, close Next, exit 128+n.
    // Open event streams would hold server.close() forever: give them a few seconds.
    const code = signal === 'SIGINT' ? 130 : 143;
    setTimeout(() => process.exit(code), 5000).unref();
    server.closeIdleConnections();
    server.close(() => {
      app.close().catch(console.error).finally(() => process.exit(code));
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
