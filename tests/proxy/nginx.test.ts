// Production behind a real reverse proxy: Debian's nginx with deploy/nginx.conf and TLS (a
// certificate made here) in front of two production instances on one PostgreSQL, with
// PUBLIC_BASE_URL=https://localhost:<proxy> and TRUST_PROXY_HOPS=1, driven through the proxy by
// Chromium on a phone and a desktop, by the sandbox's notifications, and by forged requests.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { chromium, devices, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { appApi, RETURN_URL } from '../helpers/app-api';
import { freshDatabase } from '../helpers/db';
import { httpsFetch, httpsRequest, makeSelfSignedCertificate, startNginx, type Nginx, type Tls } from '../helpers/nginx';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';
import { buildIfNeeded, freePort, startShopInstance, type ShopInstance } from '../helpers/shop';
import { waitFor } from '../helpers/wait';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_PASSWORD = 'nordvik-admin';

let ownPostgres: TestPostgres | undefined;
if (!process.env.TEST_POSTGRES_URL) {
  ownPostgres = await startTestPostgres();
  process.env.TEST_POSTGRES_URL = ownPostgres.url;
}
const database = await freshDatabase('proxy');
if (database.kind !== 'postgres') throw new Error('The proxy test needs PostgreSQL.');
process.env.DATABASE_URL = database.url;

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');

let tls: Tls;
let proxy: Nginx;
let sandbox: SandboxProcess;
let shops: ShopInstance[] = [];
let browser: Browser;
let failures = 0;
afterEach((context) => {
  if ((context as { passed?: boolean }).passed === false) failures++;
});

before(async () => {
  buildIfNeeded({ quiet: true });
  await migrate();
  await seed();
  tls = makeSelfSignedCertificate();
  const ports = [await freePort(), await freePort()];
  proxy = await startNginx({ tls, upstreams: ports });
  // SEQR (the sandbox) posts its notifications to the proxy's https address: it trusts the certificate.
  sandbox = await startSandboxProcess({ confirmWindowS: 20, env: { NODE_EXTRA_CA_CERTS: tls.certFile } });
  const env = { DATABASE_URL: database.url, SEQR_SANDBOX_PORT: String(sandbox.port), PUBLIC_BASE_URL: proxy.url, TRUST_PROXY_HOPS: '1', SEQR_WSDL_URL: undefined, SEQR_SANDBOX: undefined };
  shops = await Promise.all(ports.map((port, index) => startShopInstance({ name: `shop ${'AB'[index]}`, port, env })));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The test certificate is trusted by its key, as an installed certificate would be (so HSTS and
    // Secure cookies behave as on a real site), not by ignoring certificate errors.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--ignore-certificate-errors-spki-list=${tls.spkiHash}`],
  });
});

after(async () => {
  // What nginx saw, when something failed (the logs go with its folder).
  if (process.exitCode || failures > 0) {
    console.error(`nginx access log:\n${proxy?.accessLog().join('\n')}\nnginx error log (tail):\n${proxy?.errorLog().slice(-4000)}`);
  }
  await browser?.close();
  await Promise.all(shops.map((shop) => shop.stop()));
  await proxy?.stop();
  await sandbox?.stop();
  await closeDb();
  ownPostgres?.stop();
});

const PHONE = devices['Pixel 7'];
const DESKTOP = { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } };

async function newContext(device: typeof PHONE): Promise<BrowserContext> {
  const context = await browser.newContext({ ...device, baseURL: proxy.url, locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Every URL the page was on is the proxy's: no redirect sent it to an instance's own address. */
function assertStayedOnProxy(visited: string[]) {
  const elsewhere = visited.filter((url) => !url.startsWith(`${proxy.url}/`) && !url.startsWith(`http://localhost:${sandbox.port}/`) && url !== 'about:blank');
  assert.deepEqual(elsewhere, [], 'every page was reached through the proxy');
}

function trackNavigation(page: Page): string[] {
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  return visited;
}

async function addToCart(page: Page, slug: string) {
  await page.goto(`/products/${slug}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('status').filter({ hasText: /Added to your cart/ }).waitFor();
}

async function checkout(page: Page): Promise<string> {
  await page.goto('/cart');
  await page.getByLabel('Full name', { exact: true }).fill('Anna Svensson');
  await page.getByLabel('E-mail (for your receipt)', { exact: true }).fill('anna@example.se');
  await page.getByLabel('Phone', { exact: true }).fill('070-123 45 67');
  await page.getByLabel('Street address', { exact: true }).fill('Storgatan 1');
  await page.getByLabel('Postcode', { exact: true }).fill('123 45');
  await page.getByLabel('City', { exact: true }).fill('Stockholm');
  await page.getByRole('button', { name: 'Pay with SEQR' }).click();
  await page.waitForURL(new RegExp(`^${proxy.url}/pay/[A-Za-z0-9_-]{32}$`));
  return page.url().split('/pay/')[1]!;
}

async function invoiceOf(token: string): Promise<string> {
  const order = await getDb().order.findUniqueOrThrow({ where: { publicToken: token }, include: { attempts: { orderBy: { attemptNumber: 'desc' } } } });
  return order.attempts[0]!.invoiceReference!;
}

/** The receipt page through the proxy, with the SEQR reference the sandbox gave the payment. */
async function assertReceipt(page: Page, token: string) {
  await page.waitForURL(`${proxy.url}/orders/${token}/done`);
  await page.getByRole('heading', { name: /payment is received/ }).waitFor();
  const paid = await sandbox.control.invoice(await invoiceOf(token));
  assert.equal((await page.getByTestId('seqr-reference').innerText()).trim(), paid.ersReference);
}

/** Paid once, the receipt submitted once, confirmed at SEQR and not reversed. */
async function assertPaidOnce(token: string) {
  await waitFor('the receipt to be submitted', async () => (await getDb().paymentAttempt.count({ where: { order: { publicToken: token }, receiptSubmittedAt: { not: null } } })) === 1, 20_000);
  const order = await getDb().order.findUniqueOrThrow({ where: { publicToken: token }, include: { attempts: true, events: true } });
  assert.equal(order.status, 'PAID');
  assert.equal(order.events.filter((event) => event.toStatus === 'PAID' && event.fromStatus?.startsWith('attempt:')).length, 1, 'one PAID transition');
  const invoice = await sandbox.control.invoice(order.attempts.find((attempt) => attempt.status === 'PAID')!.invoiceReference!);
  assert.equal(invoice.confirmed, true, 'confirmed within the 20-second rule');
  assert.equal(invoice.reversed, false);
  assert.equal(invoice.receipts.length, 1);
}

function assertSecureCookies(cookies: { name: string; secure: boolean }[], names: string[]) {
  for (const name of names) assert.ok(cookies.some((cookie) => cookie.name === name), `the ${name} cookie is set`);
  assert.deepEqual(cookies.filter((cookie) => !cookie.secure).map((cookie) => cookie.name), [], 'every cookie is Secure');
}

/** The access log's lines for requests matching `pattern`, with the instance that answered each. */
function proxied(pattern: RegExp): { line: string; upstream: string; status: number }[] {
  return proxy.accessLog().filter((line) => pattern.test(line)).map((line) => ({ line, upstream: /upstream=(\S+)/.exec(line)?.[1] ?? '', status: Number(/" (\d{3}) /.exec(line)?.[1]) }));
}

test('https only: http is sent to https, every answer carries HSTS, forged hosts never reach a Location, oversized bodies are refused in words', async () => {
  const home = await httpsRequest(`${proxy.url}/`, tls.certificate);
  assert.equal(home.status, 200);
  assert.equal(home.headers['strict-transport-security'], 'max-age=31536000');
  assert.equal(home.headers.server, 'nginx', 'no version in the Server header');

  const plain = await fetch(`http://127.0.0.1:${proxy.httpPort}/cart?x=1`, { redirect: 'manual', headers: { host: 'localhost' } });
  assert.equal(plain.status, 308);
  assert.equal(plain.headers.get('location'), `${proxy.url}/cart?x=1`);

  // The language switch and the admin login answer with relative Locations, whatever Host or
  // X-Forwarded-Host says: through the proxy, and straight at an instance.
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  for (const [url, headers] of [
    [proxy.url, { host: 'evil.example' }],
    [proxy.url, { 'x-forwarded-host': 'evil.example' }],
    [shops[0]!.url, { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }],
  ] as const) {
    const locale = await httpsOrHttp(`${url}/api/locale`, { method: 'POST', headers: { ...form, ...headers }, body: 'lang=sv&back=/cart' });
    assert.equal(locale.status, 303, `${url} ${JSON.stringify(headers)}: ${locale.body}`);
    assert.equal(locale.location, '/cart');
    const login = await httpsOrHttp(`${url}/admin/api/login`, { method: 'POST', headers: { ...form, ...headers }, body: 'password=not-the-password' });
    assert.equal(login.status, 303, `${url} ${JSON.stringify(headers)}: ${login.body}`);
    assert.equal(login.location, '/admin/login?error=wrong-password');
  }

  const tooLarge = await httpsRequest(`${proxy.url}/api/v1/carts`, tls.certificate, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(3 * 1024 * 1024, 32) });
  assert.equal(tooLarge.status, 413);
  assert.match(tooLarge.body, /too large/);
  // Under nginx's limit, the shop's own answer comes through: a problem with a sentence.
  const large = await httpsRequest(`${proxy.url}/api/v1/carts`, tls.certificate, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: Buffer.alloc(1536 * 1024, 32) });
  assert.equal(large.status, 413, large.body);
  assert.match(String(large.headers['content-type']), /problem\+json/);
});

/** Through the proxy (https, trusting the test certificate) or straight at an instance (http). */
async function httpsOrHttp(url: string, init: { method: string; headers: Record<string, string>; body: string }) {
  if (url.startsWith('https:')) {
    const answer = await httpsRequest(url, tls.certificate, init);
    return { status: answer.status, location: answer.headers.location as string | undefined, body: answer.body };
  }
  const response = await fetch(url, { ...init, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location') ?? undefined, body: await response.text() };
}

test('phone through the proxy: the language switch, checkout, the wallet and back via backURL to the receipt; every cookie Secure', async () => {
  const context = await newContext(PHONE);
  const page = await context.newPage();
  const visited = trackNavigation(page);
  await page.goto('/');
  await page.getByRole('button', { name: 'Svenska' }).click();
  await page.waitForURL(`${proxy.url}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'sv');
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForURL(`${proxy.url}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  await addToCart(page, 'stoneware-mug');
  const token = await checkout(page);
  const reference = await invoiceOf(token);
  assert.equal(await page.getByRole('link', { name: 'Open SEQR app' }).getAttribute('href'), `seqr-demo://SEQR.SE/R${reference}`);
  assert.equal((await sandbox.control.invoice(reference)).backURL, `${proxy.url}/orders/${token}/done`);
  // The app cannot open here: the sandbox wallet plays it and returns through backURL, to the proxy.
  await page.getByRole('link', { name: /Open the SEQR sandbox wallet/ }).click();
  await page.getByRole('button', { name: 'Pay' }).click();
  await assertReceipt(page, token);
  await assertPaidOnce(token);
  assertSecureCookies(await context.cookies(), ['cart', 'lang']);
  assertStayedOnProxy(visited);
  await context.close();
});

test('desktop through the proxy: the pay page follows the payment on its event stream (no polling), then the receipt', async () => {
  const context = await newContext(DESKTOP);
  const page = await context.newPage();
  const visited = trackNavigation(page);
  await addToCart(page, 'linen-tea-towel');
  const token = await checkout(page);
  const polls: string[] = [];
  const streams: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === `/api/orders/${token}/status`) (url.searchParams.get('stream') === '1' ? streams : polls).push(request.url());
  });
  // The stream's first event arrives through the proxy while the stream is open: nothing holds it
  // back until a buffer fills (with nginx buffering, the first bytes would come minutes later).
  const first = await httpsRequest(`${proxy.url}/api/orders/${token}/status?stream=1`, tls.certificate, { untilBody: /^data: .*\n\n/m, timeoutMs: 10_000 });
  assert.match(String(first.headers['content-type']), /^text\/event-stream/);
  assert.match(first.body, /^data: \{"/m);
  await page.reload(); // the page opens its stream (after the listener above is on)
  await waitFor('the pay page to open its stream', async () => streams.length > 0, 10_000);
  await page.getByRole('img', { name: 'SEQR QR code' }).waitFor();
  await sandbox.control.pay(await invoiceOf(token));
  await assertReceipt(page, token);
  assert.deepEqual(polls, [], 'the page needed no polling: the PAID event came down the stream through the proxy');
  await assertPaidOnce(token);
  assertSecureCookies(await context.cookies(), ['cart']);
  assertStayedOnProxy(visited);
  await context.close();
});

test('the admin logs in, refunds and logs out through the proxy; the session cookies are Secure', async () => {
  const context = await newContext(DESKTOP);
  const page = await context.newPage();
  const visited = trackNavigation(page);
  await addToCart(page, 'wool-throw');
  const token = await checkout(page);
  await sandbox.control.pay(await invoiceOf(token));
  await assertReceipt(page, token);
  const order = await getDb().order.findUniqueOrThrow({ where: { publicToken: token } });

  await page.goto('/admin');
  await page.waitForURL(`${proxy.url}/admin/login`);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${proxy.url}/admin`);
  await page.getByRole('heading', { name: 'Orders' }).waitFor();
  assertSecureCookies(await context.cookies(), ['admin_session', 'admin_device']);

  await page.goto(`/admin/orders/${order.id}`);
  await page.getByLabel(/Refund amount/).fill('100');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await page.getByRole('button', { name: /^Yes, refund 100,00\skr$/ }).click();
  await page.getByRole('status').filter({ hasText: 'Refunded' }).waitFor();
  assert.equal((await page.getByTestId('order-status').innerText()).trim(), 'partially refunded');
  const invoice = await sandbox.control.invoice(await invoiceOf(token));
  assert.deepEqual(invoice.refunds.map((refund) => refund.amount), [{ currency: 'SEK', value: '100.00' }]);

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/admin\/login(\?.*)?$/);
  assert.ok(page.url().startsWith(`${proxy.url}/admin/login`));
  assert.equal((await context.cookies()).some((cookie) => cookie.name === 'admin_session'), false, 'the session cookie is gone');
  await page.goto('/admin');
  await page.waitForURL(`${proxy.url}/admin/login`);
  assertStayedOnProxy(visited);
  await context.close();
});

test("SEQR's notifications reach the shop through the proxy, and whichever instance gets one handles it", async () => {
  const api = appApi(proxy.url, httpsFetch(tls.certificate));
  const tokens: string[] = [];
  for (let i = 0; i < 4; i++) {
    const cartId = await api.cart([{ slug: 'stoneware-mug', quantity: 1 }]);
    const payment = await api.call('POST', '/api/v1/payments', { body: { cartId, returnUrl: RETURN_URL }, key: `proxy-notify-${i}` });
    assert.equal(payment.status, 201, payment.text);
    assert.match(payment.headers.get('location') ?? '', /^\/api\/v1\/payments\//, 'a relative Location');
    tokens.push(payment.json.orderToken);
  }
  // The app's event stream through the proxy too: its first state arrives at once.
  const stream = await httpsRequest(`${proxy.url}/api/v1/payments/${tokens[0]}/events`, tls.certificate, { untilBody: /^data: .*\n\n/m, timeoutMs: 10_000 });
  assert.match(stream.body, /"orderToken"/);

  const before = proxied(/POST \/api\/seqr\/notify\//).length;
  // One at a time, so nothing else passes the proxy meanwhile: its round robin alternates the instances.
  for (const token of tokens) {
    const reference = await invoiceOf(token);
    await sandbox.control.pay(reference);
    await waitFor('the notification to be answered', async () => (await sandbox.control.invoice(reference)).notifications.some((n) => n.httpStatus === 200), 15_000);
    const invoice = await sandbox.control.invoice(reference);
    assert.ok(invoice.notifications.every((n) => n.url.startsWith(`${proxy.url}/api/seqr/notify/`)), 'SEQR notified the proxy');
  }
  for (const token of tokens) await assertPaidOnce(token);
  const notifications = proxied(/POST \/api\/seqr\/notify\//).slice(before);
  assert.ok(notifications.length >= tokens.length, `${notifications.length} notifications in the proxy's log`);
  assert.deepEqual(notifications.filter((n) => n.status !== 200).map((n) => n.line), [], 'every notification was answered 200');
  const instances = new Set(notifications.map((n) => n.upstream));
  assert.deepEqual([...instances].sort(), shops.map((shop) => `127.0.0.1:${shop.port}`).sort(), 'both instances handled notifications');
});

for (const [how, halt] of [
  ['stopped (SIGTERM)', (shop: ShopInstance) => shop.stop()],
  ['killed (SIGKILL)', (shop: ShopInstance) => shop.kill()],
] as const) {
  test(`an instance is ${how} mid-payment: the page, the notification and the receipt go through the other one`, async () => {
    const context = await newContext(DESKTOP);
    const page = await context.newPage();
    await addToCart(page, 'fika-cookbook');
    const token = await checkout(page);
    await page.getByRole('img', { name: 'SEQR QR code' }).waitFor();
    // The instance that took the checkout (the server action's POST) goes away with the invoice open.
    const checkoutLine = proxied(/"POST \/cart /).at(-1);
    assert.ok(checkoutLine, 'the checkout passed the proxy');
    const victim = shops.find((shop) => checkoutLine.upstream.endsWith(`:${shop.port}`))!;
    const survivor = shops.find((shop) => shop !== victim)!;
    await halt(victim);
    try {
      const reference = await invoiceOf(token);
      await sandbox.control.pay(reference);
      await assertReceipt(page, token);
      await assertPaidOnce(token);
      assert.ok((await sandbox.control.invoice(reference)).notifications.some((n) => n.httpStatus === 200), 'the notification was answered');
      const notified = proxied(/POST \/api\/seqr\/notify\//).at(-1)!;
      assert.ok(notified.upstream.endsWith(`127.0.0.1:${survivor.port}`), `the survivor answered the notification: ${notified.line}`);
    } finally {
      await context.close();
      await victim.start();
    }
    // Back in rotation: nginx sends the restarted instance requests again (a rolling restart waits for this).
    const healthChecks = proxied(/GET \/api\/health /).length;
    await waitFor(`nginx to send ${victim.name} requests again`, async () => {
      await httpsRequest(`${proxy.url}/api/health`, tls.certificate);
      // Only this restart's lines; nginx writes each just after it answers, so one may come a read late.
      return proxied(/GET \/api\/health /).slice(healthChecks).some((line) => line.upstream === `127.0.0.1:${victim.port}` && line.status === 200);
    }, 15_000);
  });
}

test('a forged X-Forwarded-For through the proxy does not escape the login throttle (TRUST_PROXY_HOPS=1)', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const answer = await httpsRequest(`${proxy.url}/admin/api/login`, tls.certificate, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
      body: 'password=not-the-password',
    });
    statuses.push(answer.status);
  }
  // nginx appends the real client; the shop takes that entry, not the forged one before it.
  assert.ok(statuses.includes(429), `throttled despite a new forged address each time: ${statuses.join(' ')}`);
});
