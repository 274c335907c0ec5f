// Runs `prisma generate` on install. Prisma's CLI insists on a schema-engine binary path even though
// generate never runs the engine, and the engine download is not reachable everywhere, so when no
// engine is configured we point it at node itself (any existing file will do for generate).
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
if (result.status !== 0) {
  console.error('prisma generate failed: the Prisma client could not be generated from prisma/schema.prisma.');
  process.exit(result.status ?? 1);
}
