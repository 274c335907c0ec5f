import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientFromForwardedFor, trustedForwardedFor } from '../../lib/admin/client-address';
import { ConfigError, parseConfig } from '../../lib/config';

test('without trusted proxies the client is the socket, whatever X-Forwarded-For the client sent', () => {
  const header = trustedForwardedFor('203.0.113.9, 198.51.100.1', '::ffff:192.0.2.7', 0);
  assert.equal(header, '192.0.2.7');
  assert.equal(clientFromForwardedFor(header, 0), '192.0.2.7');
  assert.equal(clientFromForwardedFor(trustedForwardedFor(undefined, '::1', 0), 0), '::1');
});

test('with N trusted proxies the client is the N-th entry from the right of the incoming header', () => {
  // nginx (proxy_add_x_forwarded_for) appends the address it saw: "<client's own header>, <client>".
  const oneProxy = trustedForwardedFor('10.0.0.1, 192.0.2.10', '127.0.0.1', 1);
  assert.equal(oneProxy, '10.0.0.1, 192.0.2.10, 127.0.0.1');
  assert.equal(clientFromForwardedFor(oneProxy, 1), '192.0.2.10');
  // A CDN then nginx: "<spoofed>, <client seen by the CDN>, <CDN seen by nginx>".
  assert.equal(clientFromForwardedFor(trustedForwardedFor('1.1.1.1, 192.0.2.20, 198.51.100.5', '127.0.0.1', 2), 2), '192.0.2.20');
  // A request that did not come through the proxy has no incoming entries: its socket address counts.
  assert.equal(clientFromForwardedFor(trustedForwardedFor(undefined, '192.0.2.30', 1), 1), '192.0.2.30');
  assert.equal(clientFromForwardedFor(trustedForwardedFor(['192.0.2.40', '192.0.2.41'], '127.0.0.1', 1), 1), '192.0.2.41');
});

test('SESSION_SECRET and TRUST_PROXY_HOPS are validated with sentences', () => {
  assert.equal(parseConfig({}).sessionSecret, undefined);
  assert.equal(parseConfig({}).trustProxyHops, 0);
  assert.equal(parseConfig({ SESSION_SECRET: 'x'.repeat(32), TRUST_PROXY_HOPS: '2' }).trustProxyHops, 2);
  assert.throws(() => parseConfig({ SESSION_SECRET: 'too-short' }), (error: unknown) => error instanceof ConfigError && /SESSION_SECRET must be at least 32 characters/.test(error.message));
  assert.throws(() => parseConfig({ TRUST_PROXY_HOPS: 'many' }), (error: unknown) => error instanceof ConfigError && /TRUST_PROXY_HOPS must be the number of proxies/.test(error.message));
  assert.throws(() => parseConfig({ TRUST_PROXY_HOPS: '-1' }), (error: unknown) => error instanceof ConfigError && /between 0 and 10/.test(error.message));
});
