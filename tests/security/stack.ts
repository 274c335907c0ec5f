// The production shop as a real process for the security tests: a fresh database (PGlite, or
// PostgreSQL when TEST_POSTGRES_URL is set), migrated and seeded here, the real sandbox, and
// `next start` from the build. Memory is read from /proc: the shop process and its children.
import fs from 'node:fs';
import { useFreshDatabase } from '../helpers/db';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';
import { buildIfNeeded, startShopInstance, type ShopInstance } from '../helpers/shop';

export type Stack = { shop: ShopInstance; sandbox: SandboxProcess; stop(): Promise<void> };

export async function startStack(label: string, env: Record<string, string> = {}, sandboxOf?: (sandbox: SandboxProcess) => Record<string, string>): Promise<Stack> {
  buildIfNeeded({ quiet: true });
  await useFreshDatabase(label);
  const sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  process.env.SEQR_SANDBOX_PORT = String(sandbox.port);
  const { migrate } = await import('../../prisma/migrate');
  const { seed } = await import('../../prisma/seed');
  const { closeDb } = await import('../../lib/db');
  await migrate();
  await seed();
  await closeDb(); // the embedded database is single-process: hand it to the shop
  const shop = await startShopInstance({
    env: {
      DATABASE_URL: process.env.DATABASE_URL,
      DATA_DIR: process.env.DATA_DIR,
      SEQR_SANDBOX_PORT: String(sandbox.port),
      SEQR_WSDL_URL: undefined,
      SEQR_SANDBOX: undefined,
      ...(sandboxOf?.(sandbox) ?? {}),
      ...env,
    },
  });
  return {
    shop,
    sandbox,
    async stop() {
      await shop.stop();
      await sandbox.stop();
    },
  };
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of text ? text.split(/\s+/).map(Number) : []) found.push(child, ...childrenOf(child));
    }
  } catch {
    // gone meanwhile
  }
  return found;
}

/** VmRSS of the process and all its descendants, in MiB. */
export function rssMiB(pid: number): number {
  let kib = 0;
  for (const each of [pid, ...childrenOf(pid)]) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${each}/status`, 'utf8'));
      if (match) kib += Number(match[1]);
    } catch {
      // gone meanwhile
    }
  }
  return kib / 1024;
}
