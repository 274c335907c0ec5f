// The security tests on PostgreSQL outside `npm test`: `node --import tsx tests/security/run-postgres.mts [files…]`.
import { spawnSync } from 'node:child_process';
import { startTestPostgres } from '../helpers/postgres';

const pg = await startTestPostgres();
const files = process.argv.slice(2);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...(files.length ? files : ['tests/security/body-limits.test.ts', 'tests/security/status-streams.test.ts', 'tests/security/odd-data.test.ts'])], {
  stdio: 'inherit',
  env: { ...process.env, TEST_POSTGRES_URL: pg.url },
});
pg.stop();
process.exit(result.status ?? 1);
