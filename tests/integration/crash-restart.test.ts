// `npm start` killed with SIGKILL and started again at once comes up, from outside: the real
// supervisor (scripts/start.ts, or `npm start` itself) with its sandbox and `next start`, on the
// embedded database in a temporary DATA_DIR. Killing only the top process must not leave its
// children running (they held the database lock and the ports: the restart stopped with "in use by
// process N"); killing the whole process group leaves zombies that init reaps only after a while,
// and a lock naming one must count as stale at once. Linux only: the process groups come from /proc.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { buildIfNeeded, ROOT } from '../../scripts/lib/production-build';
import { freePort } from '../helpers/ports';
import { HttpShopper } from '../helpers/shopper';

const HAS_PROC = fs.existsSync('/proc/self/stat');
const HAS_NPM = spawnSync('npm', ['--version'], { stdio: 'ignore' }).status === 0;
/** Generous: a noisy 2-core machine runs migrations, the seed and `next start` in this time. */
const UP_WITHIN_MS = 90_000;
/** The children of a killed supervisor stop on their own within this time. */
const ORPHANS_GONE_WITHIN_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every process group started here is killed when this process ends, however the test ends:
// they run detached (their own group, as `kill -9 -PGID` needs), so a Ctrl-C here does not reach them.
const groups = new Set<number>();
function killAllGroups(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.once('exit', killAllGroups);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllGroups();
    process.exit(130);
  });
}

/** Live (not zombie) processes whose process group is `pgid`, from /proc. */
function liveProcessesInGroup(pgid: number): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const close = stat.lastIndexOf(')');
    const [state, , group] = stat.slice(close + 2).split(' ');
    if (Number(group) === pgid && state !== 'Z' && state !== 'X') found.push({ pid: Number(entry), name: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return found;
}

interface Instance {
  proc: ChildProcess;
  pgid: number;
  output(): string;
}

function startInstance(env: NodeJS.ProcessEnv, how: 'start.ts' | 'npm start'): Instance {
  const [command, args] = how === 'npm start' ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts')]];
  const proc = spawn(command as string, args as string[], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.ok(proc.pid, `${how} did not start`);
  groups.add(proc.pid);
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.SHOP_DEBUG === '1') process.stderr.write(`[${how} ${proc.pid}] ${chunk.toString()}`);
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return { proc, pgid: proc.pid, output: () => output };
}

/** SIGTERM the group, then SIGKILL whatever is left after 10 s. */
async function stopGroup(instance: Instance | undefined): Promise<void> {
  if (!instance) return;
  try {
    process.kill(-instance.pgid, 'SIGTERM');
  } catch {
    // already gone
  }
  const deadline = Date.now() + 10_000;
  while (liveProcessesInGroup(instance.pgid).length > 0 && Date.now() < deadline) await sleep(200);
  try {
    process.kill(-instance.pgid, 'SIGKILL');
  } catch {
    // already gone
  }
  groups.delete(instance.pgid);
}

const exited = (instance: Instance) => instance.proc.exitCode !== null || instance.proc.signalCode !== null;

async function waitForHealth(url: string, instance: Instance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited(instance)) throw new Error(`The shop exited (${instance.proc.exitCode ?? instance.proc.signalCode}) before it answered. Output:\n${instance.output()}`);
    try {
      if ((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`The shop did not answer ${url}/api/health within ${timeoutMs} ms. Output:\n${instance.output()}`);
    await sleep(100);
  }
}

async function waitForGroupToEmpty(instance: Instance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = liveProcessesInGroup(instance.pgid);
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      assert.fail(`Processes of the killed instance still run after ${timeoutMs} ms: ${left.map((p) => `${p.pid} (${p.name})`).join(', ')}. Output:\n${instance.output()}`);
    }
    await sleep(100);
  }
}

/** A shop with its own DATA_DIR and ports; `stop()` kills whatever it started. */
async function scenario(how: 'start.ts' | 'npm start') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-shop-crash-'));
  const [port, sandboxPort, mailSmtpPort, mailHttpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    DATA_DIR: dataDir,
    PORT: String(port),
    SEQR_SANDBOX_PORT: String(sandboxPort),
    MAIL_CATCHER_SMTP_PORT: String(mailSmtpPort),
    MAIL_CATCHER_HTTP_PORT: String(mailHttpPort),
    PUBLIC_BASE_URL: url,
  };
  for (const key of ['DATABASE_URL', 'SEQR_WSDL_URL', 'SEQR_TERMINAL_ID', 'SEQR_TERMINAL_PASSWORD', 'SEQR_SANDBOX_PUBLIC_URL', 'SMTP_URL']) delete env[key];
  const started: Instance[] = [];
  return {
    url,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    start(): Instance {
      const instance = startInstance(env, how);
      started.push(instance);
      return instance;
    },
    async stop(): Promise<void> {
      await Promise.all(started.map(stopGroup));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Start, check out an order, crash with `kill`, start again at once, and check both stores. */
async function crashAndRestart(t: TestContext, how: 'start.ts' | 'npm start', kill: (first: Instance) => void): Promise<void> {
  const shop = await scenario(how);
  t.after(() => shop.stop());
  const first = shop.start();
  await waitForHealth(shop.url, first, UP_WITHIN_MS);

  // Something in both stores: an order in the database, its invoice in the sandbox's state file.
  const shopper = new HttpShopper(shop.url);
  await shopper.addToCart('stoneware-mug', 1);
  const token = await shopper.checkout();
  const reference = (await shopper.status(token)).attempt?.invoiceReference;
  assert.ok(reference, 'the checkout issued an invoice');
  const running = liveProcessesInGroup(first.pgid);
  assert.ok(running.length >= 4, `supervisor, sandbox, mail catcher and shop run: ${JSON.stringify(running)}`);
  // No pause before the kill: the sandbox answered sendInvoice only once the invoice was on disk.

  const killedAt = Date.now();
  kill(first);
  const second = shop.start(); // at once, as a process manager would
  await waitForGroupToEmpty(first, ORPHANS_GONE_WITHIN_MS);
  const orphansGoneMs = Date.now() - killedAt;
  await waitForHealth(shop.url, second, UP_WITHIN_MS);
  const upMs = Date.now() - killedAt;
  t.diagnostic(`${how}: the killed instance's processes were gone after ${orphansGoneMs} ms; the restart answered /api/health ${upMs} ms after the kill`);

  assert.ok(!exited(second), `the restarted instance runs. Output:\n${second.output()}`);
  assert.doesNotMatch(second.output(), /is in use by process/);
  // Both stores came through: the order (database) and its invoice (sandbox state).
  assert.equal((await shopper.status(token)).attempt?.invoiceReference, reference);
  const invoice = await fetch(`${shop.sandboxUrl}/sandbox/invoices/${reference}`);
  assert.equal(invoice.status, 200, `the sandbox still knows invoice ${reference}`);
}

before(() => {
  if (HAS_PROC) buildIfNeeded({ quiet: true });
});

after(killAllGroups);

const linuxOnly = { skip: !HAS_PROC && 'needs /proc (Linux)', timeout: 300_000 };

test('the supervisor killed with SIGKILL: its sandbox and shop stop on their own, and a restart at once comes up', linuxOnly, async (t) => {
  await crashAndRestart(t, 'start.ts', (first) => process.kill(first.pgid, 'SIGKILL'));
});

test('the whole process group killed with SIGKILL (kill -9 -PGID): a restart at once comes up', linuxOnly, async (t) => {
  await crashAndRestart(t, 'start.ts', (first) => process.kill(-first.pgid, 'SIGKILL'));
});

test('`npm start` itself killed with SIGKILL: everything it started stops, and a restart at once comes up', { ...linuxOnly, skip: linuxOnly.skip || (!HAS_NPM && 'needs npm') }, async (t) => {
  await crashAndRestart(t, 'npm start', (first) => process.kill(first.pgid, 'SIGKILL'));
});
