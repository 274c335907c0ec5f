// Prisma CLI configuration. The shop itself never runs Prisma's migrate (see prisma/migrate.ts);
// on a machine that can run it, `prisma migrate deploy` reads DATABASE_URL from here.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/seqr_shop' },
});
