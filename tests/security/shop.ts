// One production instance of the shop on a fresh embedded database (PGlite), migrated and seeded,
// for the security tests: they look only at what comes back over HTTP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIfNeeded, startShopInstance, type ShopInstance } from '../helpers/shop';

export const ADMIN_PASSWORD = 'security-test-password';

/** `reuseDataDir`: a folder an earlier (stopped) instance prepared; this process's config is read once. */
export async function startSecurityShop(label: string, env: Record<string, string> = {}, reuseDataDir?: string): Promise<ShopInstance & { dataDir: string }> {
  buildIfNeeded({ quiet: true });
  if (reuseDataDir) return Object.assign(await startShopInstance({ name: label, env: { DATA_DIR: reuseDataDir, DATABASE_URL: '', ADMIN_PASSWORD, ...env } }), { dataDir: reuseDataDir });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `seqr-shop-${label}-`));
  // This process opens the database only to prepare it, and closes it before the shop opens it.
  process.env.DATA_DIR = dataDir;
  process.env.DATABASE_URL = '';
  const { migrate } = await import('../../prisma/migrate');
  const { seed } = await import('../../prisma/seed');
  const { closeDb } = await import('../../lib/db');
  await migrate();
  await seed();
  await closeDb();
  const shop = await startShopInstance({ name: label, env: { DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD, ...env } });
  return Object.assign(shop, { dataDir });
}

/** A back-office session: its cookie, and the CSRF token its pages carry. */
export async function adminLogin(baseUrl: string): Promise<{ cookie: string; csrf: string }> {
  const login = await fetch(`${baseUrl}/admin/api/login`, { method: 'POST', body: new URLSearchParams({ password: ADMIN_PASSWORD }), redirect: 'manual' });
  const cookie = login.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('admin_session='));
  if (!cookie) throw new Error(`The login did not set a session (HTTP ${login.status}).`);
  const page = await fetch(`${baseUrl}/admin/periods`, { headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('The periods page carries no CSRF token.');
  return { cookie, csrf };
}
