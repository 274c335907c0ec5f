// Whether a port is free, and waiting for it: on a restart right after a crash the previous
// instance may still be shutting down and hold it for a moment.
import net from 'node:net';

/** True when nothing listens on `port`, checked the way `next start` binds it (every address). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Polls until `port` is free; false when it is still in use after `timeoutMs`. */
export async function waitForFreePort(port: number, opts: { timeoutMs: number; intervalMs?: number; onWait?: () => void }): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  let told = false;
  for (;;) {
    if (await portIsFree(port)) return true;
    if (Date.now() >= deadline) return false;
    if (!told) opts.onWait?.();
    told = true;
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 250));
  }
}
