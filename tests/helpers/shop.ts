// Shop instances as real processes for the multi-instance tests and the benchmark: the production
// build served by scripts/serve.ts as `npm start` serves it (the sweeper starts in each, from instrumentation.ts), on a free port,
// with its own environment. The caller migrates the database and starts the sandbox first.
//
//   buildIfNeeded();
//   const shop = await startShopInstance({ env: { DATABASE_URL, SEQR_SANDBOX_PORT } });
//   await fetch(`${shop.url}/api/health`);
//   await shop.kill();       // SIGKILL: a crash, no clean-up
//   await shop.start();      // the same port and environment again
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../scripts/lib/production-build';
import { killOnExit, stopChild } from './child-process';
import { freePort } from './ports';

export { freePort };
export { buildIfNeeded } from '../../scripts/lib/production-build';

export interface ShopInstance {
  name: string;
  port: number;
  url: string;
  /** Everything the instance printed so far (all its runs). */
  output(): string;
  /** The running server's process id (for memory checks in the security tests). */
  pid(): number | undefined;
  /** Starts it (again) on the same port, and waits until it answers /api/health. */
  start(): Promise<void>;
  /** SIGKILL: the process dies at once, whatever it was doing. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

export async function startShopInstance(opts: { name?: string; port?: number; env?: Record<string, string | undefined>; echo?: boolean; timeoutMs?: number }): Promise<ShopInstance> {
  const port = opts.port ?? (await freePort());
  const name = opts.name ?? `shop:${port}`;
  const url = `http://127.0.0.1:${port}`;
  const echo = opts.echo ?? process.env.SHOP_DEBUG === '1';
  let output = '';
  let child: ChildProcess | undefined;

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: String(port), PUBLIC_BASE_URL: url, ...opts.env })) {
    if (value !== undefined) env[key] = value;
  }

  async function halt(signal: NodeJS.Signals): Promise<void> {
    const proc = child;
    child = undefined;
    await stopChild(proc, signal);
  }

  const instance: ShopInstance = {
    name,
    port,
    url,
    output: () => output,
    pid: () => child?.pid,
    async start() {
      await halt('SIGKILL');
      const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'serve.ts'), '--port', String(port), '--hostname', '127.0.0.1'], {
        cwd: ROOT,
        env: env as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      killOnExit(proc);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (echo) process.stderr.write(`[${name}] ${chunk.toString()}`);
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
      for (;;) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited before it was ready. Output:\n${output}`);
        try {
          const response = await fetch(`${url}/api/health`);
          if (response.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`${name} did not answer /api/health within ${opts.timeoutMs ?? 60_000} ms. Output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
  };
  await instance.start();
  return instance;
}
