// The production build (`next build`), redone only when its inputs changed since the last one.
// Shared by `npm start`, the multi-instance tests and `npm run bench`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const BUILD_INPUTS = ['app', 'pages', 'lib', 'public', 'instrumentation.ts', 'proxy.ts', 'prisma/schema.prisma', 'next.config.js', 'tsconfig.json', 'package-lock.json'];
const FINGERPRINT_FILE = path.join(ROOT, '.next', 'seqr-shop-build.sha256');

function listFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((child) => !(entry === 'lib' && child.name === 'generated'))
    .flatMap((child) => listFiles(path.join(entry, child.name)));
}

function sourceFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of BUILD_INPUTS.flatMap(listFiles).sort()) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex');
}

/** Runs `next build` unless `.next` was built from exactly these sources. Throws when it fails. */
export function buildIfNeeded(opts: { quiet?: boolean } = {}): 'up-to-date' | 'built' {
  const fingerprint = sourceFingerprint();
  const built = fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')) && fs.existsSync(FINGERPRINT_FILE) ? fs.readFileSync(FINGERPRINT_FILE, 'utf8') : '';
  if (built === fingerprint) {
    if (!opts.quiet) console.log('The production build is up to date.');
    return 'up-to-date';
  }
  console.log('Building the shop (next build)…');
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: ROOT,
    stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`The build failed.${opts.quiet ? `\n${result.stdout ?? ''}${result.stderr ?? ''}` : ' See the output above.'}`);
  fs.writeFileSync(FINGERPRINT_FILE, fingerprint);
  return 'built';
}
