// `npm start`: everything the shop needs on a fresh clone, in order. Apply migrations, seed the
// catalog, start the local SEQR sandbox (when the shop points at it) and the development mail catcher
// (when SMTP_URL is unset), build the app if its sources
// changed since the last build, then serve it (scripts/serve.ts: client addresses from the socket).
// `--dev` serves with `next dev` instead.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, getConfig } from '../lib/config';
import { closeDb } from '../lib/db';
import { waitForDataDirLock } from '../lib/db/data-dir-lock';
import { migrate } from '../prisma/migrate';
import { seed } from '../prisma/seed';
import { waitForFreePort } from './lib/free-port';
import { buildIfNeeded, NEXT_BIN as nextBin } from './lib/production-build';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const children: ChildProcess[] = [];
let stopping = false;
// A restart right after a crash may find the previous instance still exiting (its children stop
// within a few seconds of losing their parent): wait this long for the database and the port.
const RESTART_WAIT_MS = 15_000;
// Each child stops when this process disappears, even by SIGKILL (see the file). `npm start`
// preloads it here too, so this process stops when npm does (npm execs us: it is our parent).
const FOLLOW_PARENT = pathToFileURL(path.join(root, 'scripts', 'lib', 'follow-parent.mjs')).href;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null))).then(() =>
    process.exit(code),
  );
}

function launch(name: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', FOLLOW_PARENT, ...args], { cwd: root, stdio: 'inherit', env: process.env });
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
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  if (config.database.kind === 'pglite') {
    await waitForDataDirLock(config.database.dir, {
      timeoutMs: RESTART_WAIT_MS,
      onWait: (holder) =>
        console.log(`The embedded database is still held by process ${holder.pid} (a previous instance shutting down?); waiting up to ${RESTART_WAIT_MS / 1000} s for it to exit…`),
    });
  }
  await migrate();
  try {
    console.log(`Seeded ${await seed()} products.`);
  } finally {
    await closeDb(); // the embedded database is single-process: hand it to the server
  }

  if (config.seqr.startsLocalSandbox) {
    launch('The SEQR sandbox', ['--import', 'tsx', path.join(root, 'sandbox', 'main.ts')]); // it waits for its own port
    // The shop is in sandbox mode because this script started the sandbox, said so explicitly.
    process.env.SEQR_SANDBOX = '1';
  } else {
    console.log(`Using the SEQR endpoint ${config.seqr.endpointUrl}.`);
  }
  if (config.mail.startsLocalCatcher) {
    // Development mail: an SMTP server of our own that keeps every message and lists it on a page.
    launch('The mail catcher', ['--import', 'tsx', path.join(root, 'mailcatcher', 'main.ts')]);
    console.log(`E-mails go to the local mail catcher: ${config.mail.catcherBaseUrl}/ (set SMTP_URL to send them for real).`);
  } else {
    console.log(`Sending e-mail through ${new URL(config.mail.smtpUrl).host}.`);
  }
  if (!dev) buildIfNeeded();
  const portFree = await waitForFreePort(config.port, {
    timeoutMs: RESTART_WAIT_MS,
    onWait: () => console.log(`Port ${config.port} is still in use (a previous instance shutting down?); waiting up to ${RESTART_WAIT_MS / 1000} s for it to be free…`),
  });
  if (!portFree) throw new Error(`The shop cannot listen on port ${config.port}: it is in use. Stop the other process or set PORT to a free port.`);
  if (stopping) return;
  launch('The shop', dev ? [nextBin, 'dev', '--port', String(config.port)] : ['--import', 'tsx', path.join(root, 'scripts', 'serve.ts'), '--port', String(config.port)]);
  console.log(`The shop will be at ${config.publicBaseUrl}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  stopAll(1);
  if (children.length === 0) process.exit(1);
});
