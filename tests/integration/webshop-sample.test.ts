// A PHP webshop built the way SEQR's official webshop sample and plugin README describe it
// (tests/interop/webshop-sample, under `php -S`), run against the sandbox: its notificationUrl is
// its status script with no reference in it, so only SEQR's form POST of invoiceReference tells it
// which invoice was paid. Its one getPaymentStatus call from the notification must confirm the
// payment before SEQR's confirmation window (3 s here) reverses it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { killOnExit, stopChild } from '../helpers/child-process';
import { freePort } from '../helpers/ports';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';

const SAMPLE = path.resolve(import.meta.dirname, '../interop/webshop-sample');
const CONFIRM_WINDOW_S = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sandbox: SandboxProcess;
let php: ChildProcess;
let shopUrl = '';
const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'webshop-sample-')), 'shop.log');
const shopLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) : []);

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: CONFIRM_WINDOW_S });
  const port = await freePort();
  shopUrl = `http://127.0.0.1:${port}`;
  php = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', SAMPLE], {
    env: { ...process.env, SEQR_WSDL_URL: sandbox.wsdlUrl, SEQR_TERMINAL_ID: 'demo-webshop', SEQR_TERMINAL_PASSWORD: 'demo-password', SHOP_BASE_URL: shopUrl, SHOP_LOG: logFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  killOnExit(php);
  const spawned = await new Promise<Error | undefined>((resolve) => {
    php.once('error', resolve);
    php.once('spawn', () => resolve(undefined));
  });
  if (spawned) assert.fail(`PHP could not be started (${spawned.message}). Install it with: apt-get install php-cli php-soap`);
  for (let i = 0; i < 50; i++) {
    if (await fetch(`${shopUrl}/done.php`).then((r) => r.ok, () => false)) return;
    await sleep(100);
  }
  assert.fail(`PHP's built-in server did not answer at ${shopUrl}.`);
});
after(async () => {
  await stopChild(php);
  await sandbox?.stop();
});

test("the sample-style PHP shop completes a paid order through SEQR's notification alone, and SEQR keeps it PAID", async () => {
  const checkout = await fetch(`${shopUrl}/index.php`);
  assert.equal(checkout.status, 200, await checkout.clone().text());
  const { invoiceReference, invoiceQRCode } = (await checkout.json()) as { invoiceReference: string; invoiceQRCode: string };
  assert.equal(invoiceQRCode, `HTTP://SEQR.SE/R${invoiceReference}`);
  const issued = await sandbox.control.invoice(invoiceReference);
  assert.equal(issued.notificationUrl, `${shopUrl}/status.php`, 'no reference in the notification URL');

  // The customer pays in the app; nobody polls and nobody returns through backURL.
  await sandbox.control.pay(invoiceReference);
  let seen: Record<string, unknown>[] = [];
  for (let i = 0; i < 50 && !seen.some((e) => e.event === 'status'); i++) {
    await sleep(100);
    seen = shopLog();
  }
  const fromNotification = seen.find((e) => e.event === 'status');
  assert.deepEqual(fromNotification, { event: 'status', method: 'POST', invoiceReference, resultCode: 0, status: 'PAID' }, JSON.stringify(seen));
  assert.equal(seen.filter((e) => e.event === 'no-reference').length, 0);

  // Past the confirmation window: the shop's one call from the notification confirmed it.
  await sleep(CONFIRM_WINDOW_S * 1000 + 1000);
  const after = await sandbox.control.invoice(invoiceReference);
  assert.equal(after.status, 'PAID');
  assert.equal(after.notifications[0]?.httpStatus, 200);
  // The plugin's poll of the same script (GET) reads the same status.
  assert.deepEqual(await (await fetch(`${shopUrl}/status.php?invoiceReference=${invoiceReference}`)).json(), { status: 'PAID' });
});
