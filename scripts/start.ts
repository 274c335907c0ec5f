// `npm start`: everything the shop needs on a fresh clone, in order. Apply migrations, seed the
// catalog, start the local SEQR sandbox (when the shop points at it), build the app if its sources
// changed since the last build, then serve it. `--dev` serves with `next dev` instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, getConfig } from '../lib/config';
import { closeDb } from '../lib/db';
import { migrate } from '../prisma/migrate';
import { seed } from '../prisma/seed';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const BUILD_INPUTS = ['app', 'lib', 'public', 'prisma/schema.prisma', 'next.config.js', 'tsconfig.json', 'package-lock.json'];
const FINGERPRINT_FILE = path.join(root, '.next', 'seqr-shop-build.sha256');

function listFiles(entry: string): string[] {
  const full = path.join(root, entry);
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
    hash.update(file).update('\0').update(fs.readFileSync(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

function buildIfNeeded(): void {
  const fingerprint = sourceFingerprint();
  const built = fs.existsSync(path.join(root, '.next', 'BUILD_ID')) && fs.existsSync(FINGERPRINT_FILE)
    ? fs.readFileSync(FINGERPRINT_FILE, 'utf8')
    : '';
  if (built === fingerprint) {
    console.log('The production build is up to date.');
    return;
  }
  console.log('Building the shop (next build)…');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error('The build failed; see the output above.');
  fs.writeFileSync(FINGERPRINT_FILE, fingerprint);
}

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null))).then(() =>
    process.exit(code),
  );
}

function launch(name: string, command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the others.`);
    stopAll(code === 0 ? 1 : (code ?? 1));
  });
  return child;
}

async function main(): Promise<void> {
  const config = getConfig();
  await migrate();
  try {
    console.log(`Seeded ${await seed()} products.`);
  } finally {
    await closeDb(); // the embedded database is single-process: hand it to the server
  }

  if (config.seqr.usesSandbox) {
    launch('The SEQR sandbox', process.execPath, ['--import', 'tsx', path.join(root, 'sandbox', 'main.ts')]);
  } else {
    console.log(`Using the SEQR endpoint ${config.seqr.endpointUrl}.`);
  }
  if (!dev) buildIfNeeded();
  launch('The shop', process.execPath, [nextBin, dev ? 'dev' : 'start', '--port', String(config.port)]);
  console.log(`The shop will be at ${config.publicBaseUrl}`);
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  stopAll(1);
  if (children.length === 0) process.exit(1);
});
