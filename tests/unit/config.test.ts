import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../lib/config';

test('with no environment the shop uses the embedded database and the local sandbox', () => {
  const config = parseConfig({}, '/srv/shop');
  assert.equal(config.port, 3000);
  assert.equal(config.publicBaseUrl, 'http://localhost:3000');
  assert.deepEqual(config.database, { kind: 'pglite', dir: '/srv/shop/.data/db' });
  assert.equal(config.seqr.wsdlUrl, 'http://localhost:8090/soap/merchant/cashregister-2?wsdl');
  assert.equal(config.seqr.endpointUrl, 'http://localhost:8090/soap/merchant/cashregister-2');
  assert.equal(config.seqr.terminalId, 'demo-webshop');
  assert.equal(config.seqr.appScheme, 'seqr-demo');
  assert.equal(config.seqr.usesSandbox, true);
});

test('a real SEQR endpoint needs the terminal credentials, and says so', () => {
  assert.throws(
    () => parseConfig({ SEQR_WSDL_URL: 'https://extdev.seqr.com/soap/merchant/cashregister-2?wsdl' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /SEQR_TERMINAL_ID is missing/);
      assert.match(error.message, /SEQR_TERMINAL_PASSWORD is missing/);
      return true;
    },
  );
  const config = parseConfig({
    SEQR_WSDL_URL: 'https://extdev.seqr.com/soap/merchant/cashregister-2?wsdl',
    SEQR_TERMINAL_ID: '87e791f9e24148a6892c52aa85bb0331',
    SEQR_TERMINAL_PASSWORD: 'secret',
    SEQR_APP_SCHEME: 'seqr',
    DATABASE_URL: 'postgresql://shop@db:5432/shop',
    PUBLIC_BASE_URL: 'https://shop.example/',
  });
  assert.equal(config.seqr.usesSandbox, false);
  assert.equal(config.seqr.endpointUrl, 'https://extdev.seqr.com/soap/merchant/cashregister-2');
  assert.deepEqual(config.database, { kind: 'postgres', url: 'postgresql://shop@db:5432/shop', poolSize: 10 });
  assert.equal(config.publicBaseUrl, 'https://shop.example');
});

test('bad values are reported as sentences naming the variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT must be a port number/],
    [{ PORT: '70000' }, /PORT must be a whole number between 1 and 65535/],
    [{ SEQR_APP_SCHEME: 'http' }, /SEQR_APP_SCHEME must be "seqr-demo" \(the demo app\) or "seqr"/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a PostgreSQL URL/],
    [{ PUBLIC_BASE_URL: 'shop.example' }, /PUBLIC_BASE_URL must be an http:\/\/ or https:\/\/ URL/],
    [{ DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE must be at least 1\./],
    [{ DATABASE_POOL_SIZE: 'many' }, /DATABASE_POOL_SIZE must be a number of connections, such as 10\./],
  ];
  for (const [env, message] of cases) assert.throws(() => parseConfig(env), message);
});

test('an empty DATABASE_URL means the embedded database', () => {
  assert.equal(parseConfig({ DATABASE_URL: '' }).database.kind, 'pglite');
});

test('DATABASE_POOL_SIZE sizes the PostgreSQL pool of each process', () => {
  assert.deepEqual(parseConfig({ DATABASE_URL: 'postgresql://shop@db/shop', DATABASE_POOL_SIZE: '25' }).database, { kind: 'postgres', url: 'postgresql://shop@db/shop', poolSize: 25 });
});

test('durations are whole numbers within bounds, with sentences', () => {
  assert.equal(parseConfig({ PAYMENT_TTL_S: '30', SWEEP_INTERVAL_MS: '500', SEQR_TIMEOUT_MS: '2000' }).payments.ttlMs, 30_000);
  assert.throws(() => parseConfig({ PAYMENT_TTL_S: '2' }), /PAYMENT_TTL_S must be at least 5 seconds\./);
  assert.throws(() => parseConfig({ SWEEP_INTERVAL_MS: 'soon' }), /SWEEP_INTERVAL_MS must be a number of milliseconds, such as 1000\./);
  assert.throws(() => parseConfig({ SEQR_TIMEOUT_MS: '999999' }), /SEQR_TIMEOUT_MS must be at most 120000 ms\./);
  assert.throws(() => parseConfig({ ADMIN_PASSWORD: 'short' }), /ADMIN_PASSWORD must be at least 8 characters long\./);
});

test('IDEMPOTENCY_CLAIM_S: two minutes by default (three SEQR deadlines when those are longer), and never shorter than a request waiting for SEQR', () => {
  assert.equal(parseConfig({}).idempotencyClaimMs, 120_000);
  assert.equal(parseConfig({ SEQR_TIMEOUT_MS: '60000' }).idempotencyClaimMs, 180_000);
  assert.equal(parseConfig({ IDEMPOTENCY_CLAIM_S: '12', SEQR_TIMEOUT_MS: '3000' }).idempotencyClaimMs, 12_000);
  assert.throws(() => parseConfig({ IDEMPOTENCY_CLAIM_S: '12' }), /IDEMPOTENCY_CLAIM_S \(12 seconds\) must be at least three times SEQR_TIMEOUT_MS \(10000 ms\)/);
  assert.throws(() => parseConfig({ IDEMPOTENCY_CLAIM_S: '2' }), /IDEMPOTENCY_CLAIM_S must be at least 5 seconds\./);
});

test('reseller credentials: a separate user id, or the combined resellerId/userId form without one', () => {
  assert.deepEqual(parseConfig({ SEQR_RESELLER_ID: 'shop-reseller', SEQR_RESELLER_PASSWORD: 'secret' }).seqr.reseller, { id: 'shop-reseller', userId: '9900', password: 'secret' });
  assert.deepEqual(parseConfig({ SEQR_RESELLER_ID: 'shop-reseller', SEQR_RESELLER_USER_ID: '42', SEQR_RESELLER_PASSWORD: 'secret' }).seqr.reseller, { id: 'shop-reseller', userId: '42', password: 'secret' });
  assert.deepEqual(parseConfig({ SEQR_RESELLER_ID: 'public_test_shop/9900', SEQR_RESELLER_PASSWORD: 'secret' }).seqr.reseller, { id: 'public_test_shop/9900', userId: undefined, password: 'secret' });
});

test('sandbox mode is declared, never inferred from a URL that looks like the sandbox', () => {
  // The attack: SEQR_SANDBOX_PORT=80 made every http://localhost:80… URL (e.g. :8080) "the sandbox".
  const lookalike = { SEQR_SANDBOX_PORT: '80', SEQR_WSDL_URL: 'http://localhost:8080/soap/merchant/cashregister-2?wsdl' };
  assert.throws(() => parseConfig(lookalike), /SEQR_TERMINAL_ID is missing[\s\S]*SEQR_TERMINAL_PASSWORD is missing/);
  const real = parseConfig({ ...lookalike, SEQR_TERMINAL_ID: 't1', SEQR_TERMINAL_PASSWORD: 'p1' });
  assert.equal(real.seqr.usesSandbox, false);
  assert.equal(real.adminPassword, undefined, 'no demo admin password');
  assert.equal(real.seqr.terminalPassword, 'p1');
  assert.equal(real.seqr.startsLocalSandbox, false);

  // The exact default sandbox URL, given explicitly, is not sandbox mode either.
  assert.throws(() => parseConfig({ SEQR_WSDL_URL: 'http://localhost:8090/soap/merchant/cashregister-2?wsdl' }), /SEQR_TERMINAL_ID is missing/);

  const declared = parseConfig({ SEQR_SANDBOX: '1', SEQR_WSDL_URL: 'http://127.0.0.1:9999/soap/merchant/cashregister-2?wsdl' });
  assert.equal(declared.seqr.usesSandbox, true);
  assert.equal(declared.seqr.terminalId, 'demo-webshop');
  assert.equal(declared.adminPassword, 'nordvik-admin');
  assert.equal(declared.seqr.startsLocalSandbox, false, 'npm start does not start a sandbox for a URL of its own');

  const local = parseConfig({ SEQR_SANDBOX: '1' });
  assert.equal(local.seqr.usesSandbox, true);
  assert.equal(local.seqr.startsLocalSandbox, true);

  assert.equal(parseConfig({ SEQR_SANDBOX: '0', SEQR_WSDL_URL: 'https://seqr.example/x?wsdl', SEQR_TERMINAL_ID: 't', SEQR_TERMINAL_PASSWORD: 'p' }).seqr.usesSandbox, false);
  assert.throws(() => parseConfig({ SEQR_SANDBOX: '0' }), /SEQR_SANDBOX=0 needs SEQR_WSDL_URL/);
  assert.throws(() => parseConfig({ SEQR_SANDBOX: 'yes' }), /SEQR_SANDBOX must be 1/);
  assert.equal(parseConfig({ SEQR_SANDBOX: '' }).seqr.usesSandbox, true, 'empty is unset');
});
