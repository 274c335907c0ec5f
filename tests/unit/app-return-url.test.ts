// An app's return URL (the invoice's backURL) is taken only when it starts with one of the shop's
// APP_RETURN_URL_PREFIXES (lib/app-api/return-url.ts), and the prefixes themselves are checked when
// the configuration is read (lib/config.ts): nobody can have the SEQR app send a shopper elsewhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { returnUrlProblem } from '../../lib/app-api/return-url';
import { ConfigError, DEMO_APP_RETURN_URL_PREFIX, parseConfig } from '../../lib/config';

const APP = ['nordvik://'];
const WEB = ['https://shop.example/app/'];
const REAL_SEQR = {
  SEQR_WSDL_URL: 'https://extdev.seqr.com/soap/merchant/cashregister-2?wsdl',
  SEQR_TERMINAL_ID: '87e791f9e24148a6892c52aa85bb0331',
  SEQR_TERMINAL_PASSWORD: 'secret',
};

const keyOf = (url: string, prefixes: readonly string[]) => returnUrlProblem(url, prefixes)?.key ?? null;

test("a URL under an allowed prefix is taken, with the {orderToken} placeholder anywhere after it", () => {
  assert.equal(returnUrlProblem('nordvik://orders/{orderToken}', APP), null);
  assert.equal(returnUrlProblem('nordvik://orders/{orderToken}?paid=1#top', APP), null);
  assert.equal(returnUrlProblem('nordvik://done', APP), null);
  assert.equal(returnUrlProblem('https://shop.example/app/orders/{orderToken}', WEB), null);
  assert.equal(returnUrlProblem('https://shop.example/app/', WEB), null);
  // Any of several prefixes.
  assert.equal(returnUrlProblem('https://shop.example/app/x', [...APP, ...WEB]), null);
});

test('a URL of another scheme, or of another app, is refused with the allowed prefixes in the sentence', () => {
  const problem = returnUrlProblem('otherapp://orders/{orderToken}', APP);
  assert.deepEqual(problem, { key: 'api.returnUrlNotAllowed', params: { url: 'otherapp://orders/{orderToken}', allowed: 'nordvik://' } });
  assert.equal(keyOf('https://shop.example/app/x', APP), 'api.returnUrlNotAllowed');
  assert.equal(keyOf('nordvik-evil://orders/1', APP), 'api.returnUrlNotAllowed');
  assert.equal(keyOf('NORDVIK://orders/1', APP), 'api.returnUrlNotAllowed', 'prefixes are compared exactly');
  // The sentence quotes at most 200 characters of the URL.
  const long = `otherapp://${'a'.repeat(500)}`;
  assert.equal(returnUrlProblem(long, APP)?.params?.url, long.slice(0, 200));
});

test('an https prefix cannot be stretched to another host', () => {
  for (const url of [
    'https://shop.example.evil.com/app/', // the host goes on past the prefix's host
    'https://shop.example@evil.com/app/', // the prefix's host as user info
    'https://shop.example:443@evil.com/app/',
    'https://evil.com/https://shop.example/app/', // the prefix later in the URL
    'https://evil.com/?next=https://shop.example/app/',
    'http://shop.example/app/', // not https
    'https://shop.example/apple', // under the host but not under /app/
    'https://shop.example/', // the host alone
    'https://shop.example/app/../admin', // under /app/ as text, not once the dot segments are resolved
    'https://shop.example/app/%2e%2e/admin',
  ]) {
    assert.equal(keyOf(url, WEB), 'api.returnUrlNotAllowed', url);
  }
});

test('spaces, control characters and URLs that are not absolute are malformed', () => {
  for (const url of [
    'nordvik://orders/ {orderToken}',
    ' nordvik://orders/1',
    'nordvik://orders/1 ',
    'nordvik://orders/\t1',
    'nordvik://orders/1\n',
    'nordvik://orders/1\r\nLocation: https://evil.com/',
    'nordvik://orders/\u00001',
    'nordvik://orders/\u007f1',
    'nordvik://orders/\u00851', // C1 (NEL): not matched by \s
    'nordvik://orders/\u00a01', // no-break space
    'nordvik://orders/\u20281', // line separator
    'nordvik:orders/1', // no "//"
    'nordvik://', // nothing after the scheme
    '//shop.example/app/', // no scheme
    '/orders/1',
    'orders/{orderToken}',
    '',
    'https://[::1/app/', // not a URL
  ]) {
    assert.equal(keyOf(url, [...APP, ...WEB]), 'api.returnUrlMalformed', JSON.stringify(url));
  }
});

test('javascript: and data: URLs are refused, with or without slashes', () => {
  const everything = [...APP, ...WEB];
  assert.equal(keyOf('javascript:alert(1)', everything), 'api.returnUrlMalformed');
  assert.equal(keyOf('JavaScript:alert(document.cookie)', everything), 'api.returnUrlMalformed');
  assert.equal(keyOf('javascript://%0aalert(1)', everything), 'api.returnUrlNotAllowed');
  assert.equal(keyOf('javascript://nordvik://orders/1', everything), 'api.returnUrlNotAllowed');
  assert.equal(keyOf('data:text/html,<script>alert(1)</script>', everything), 'api.returnUrlMalformed');
});

test('with no prefixes configured every return URL is refused, and the sentence says so', () => {
  assert.deepEqual(returnUrlProblem('nordvik://orders/{orderToken}', []), { key: 'api.returnUrlNoneAllowed' });
  assert.deepEqual(returnUrlProblem('https://shop.example/app/', []), { key: 'api.returnUrlNoneAllowed' });
  // A malformed one is still called malformed: that is the app's bug to fix first.
  assert.deepEqual(returnUrlProblem('not a url', []), { key: 'api.returnUrlMalformed' });
});

test('APP_RETURN_URL_PREFIXES: nordvik:// in sandbox mode, none against a real SEQR endpoint', () => {
  assert.equal(DEMO_APP_RETURN_URL_PREFIX, 'nordvik://');
  assert.deepEqual(parseConfig({}).appReturnUrlPrefixes, ['nordvik://'], 'the local sandbox (npm start)');
  assert.deepEqual(parseConfig({ SEQR_WSDL_URL: 'https://sandbox.example/soap?wsdl', SEQR_SANDBOX: '1' }).appReturnUrlPrefixes, ['nordvik://'], 'a declared remote sandbox');
  assert.deepEqual(parseConfig(REAL_SEQR).appReturnUrlPrefixes, [], 'real SEQR: the demo app\'s scheme is not allowed by default');
  assert.deepEqual(parseConfig({ ...REAL_SEQR, SEQR_SANDBOX: '0' }).appReturnUrlPrefixes, []);
});

test('APP_RETURN_URL_PREFIXES: a comma-separated list of app schemes and https URLs ending in "/"', () => {
  assert.deepEqual(parseConfig({ ...REAL_SEQR, APP_RETURN_URL_PREFIXES: 'myshop://, https://shop.example/app/ ,' }).appReturnUrlPrefixes, ['myshop://', 'https://shop.example/app/']);
  // Set in sandbox mode, it replaces the demo's default.
  assert.deepEqual(parseConfig({ APP_RETURN_URL_PREFIXES: 'myshop://callback/' }).appReturnUrlPrefixes, ['myshop://callback/']);
  assert.deepEqual(parseConfig({ APP_RETURN_URL_PREFIXES: 'https://shop.example/' }).appReturnUrlPrefixes, ['https://shop.example/']);
});

test('bad APP_RETURN_URL_PREFIXES entries are ConfigErrors with a sentence naming the variable', () => {
  const cases: [string, RegExp][] = [
    ['nordvik', /APP_RETURN_URL_PREFIXES: "nordvik" must start with a URL scheme and ":\/\/"/],
    ['nordvik:', /APP_RETURN_URL_PREFIXES: "nordvik:" must start with a URL scheme and ":\/\/"/],
    ['/app/', /APP_RETURN_URL_PREFIXES: "\/app\/" must start with a URL scheme/],
    ['my app://', /APP_RETURN_URL_PREFIXES: "my app:\/\/" must start with a URL scheme/],
    ['javascript://', /APP_RETURN_URL_PREFIXES: "javascript:\/\/" uses javascript:, which a return URL may not/],
    ['JAVASCRIPT://x', /uses javascript:/],
    ['data://x', /uses data:/],
    ['vbscript://x', /uses vbscript:/],
    ['file:///', /uses file:/],
    ['http://shop.example/app/', /APP_RETURN_URL_PREFIXES: "http:\/\/shop\.example\/app\/" uses http:/],
    ['https://shop.example', /APP_RETURN_URL_PREFIXES: "https:\/\/shop\.example" must end its host with a "\/"/],
    ['https://', /must end its host with a "\/"/],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => parseConfig({ ...REAL_SEQR, APP_RETURN_URL_PREFIXES: value }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, `${value}: a ConfigError`);
        assert.ok(error.problems.some((problem) => message.test(problem)), `${value}: expected ${message}, got ${JSON.stringify(error.problems)}`);
        return true;
      },
    );
  }
  // One sentence per bad entry, the good ones not among them.
  assert.throws(
    () => parseConfig({ APP_RETURN_URL_PREFIXES: 'myshop://, javascript://, https://shop.example' }),
    (error: unknown) => error instanceof ConfigError && error.problems.length === 2 && error.problems.every((problem) => problem.startsWith('APP_RETURN_URL_PREFIXES: ')),
  );
});
