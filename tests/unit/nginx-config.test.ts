// deploy/nginx.conf, as the proxy test turns it into a site (tests/helpers/nginx.ts): every site
// value is replaced, and what the shop relies on is in it. nginx itself checks and runs it in
// tests/proxy/nginx.test.ts; this catches a drifted file before the slow suites.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { DEPLOY_CONFIG, siteConfig, type Tls } from '../helpers/nginx';

const tls: Tls = { dir: '/tmp/tls', certFile: '/tmp/tls/shop.pem', keyFile: '/tmp/tls/shop.key', certificate: '', spkiHash: '' };

test('the proxy test replaces every site value of deploy/nginx.conf and nothing else', () => {
  const deployed = fs.readFileSync(DEPLOY_CONFIG, 'utf8');
  const site = siteConfig({ port: 8443, httpPort: 8080, tls, upstreams: [4001, 4002, 4003], accessLog: '/tmp/access.log' });
  const directives = site.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
  for (const value of ['shop.example.com', '/etc/ssl/', '/var/log/', ':3000', ':3001', 'listen 80;', 'listen 443']) assert.ok(!directives.includes(value), `${value} is replaced`);
  assert.equal(site.match(/server 127\.0\.0\.1:400[123] max_fails=1 fail_timeout=3s;/g)?.length, 3, 'one server line per upstream');
  assert.match(site, /return 308 https:\/\/localhost:8443\$request_uri;/);
  // The rest is the deployed file, line for line.
  const untouched = (text: string) => text.split('\n').filter((line) => !/shop\.example\.com|localhost|\/etc\/ssl|\/var\/log|listen |server 127\.0\.0\.1|\/tmp\//.test(line));
  assert.deepEqual(untouched(site), untouched(deployed));
});

test('deploy/nginx.conf forwards what the shop reads and passes event streams unbuffered', () => {
  const text = fs.readFileSync(DEPLOY_CONFIG, 'utf8');
  for (const header of ['Host $http_host', 'X-Forwarded-Proto $scheme', 'X-Forwarded-For $proxy_add_x_forwarded_for', 'X-Forwarded-Host $http_host']) assert.ok(text.includes(`proxy_set_header ${header};`), header);
  const streams = /location ~ (\S+) \{([^}]*)\}/.exec(text);
  assert.ok(streams, 'a regex location for the status streams');
  // The shop's two stream paths (app/api/orders/[token]/status, app/api/v1/payments/[orderToken]/events), and no other.
  const path = new RegExp(streams[1]!);
  for (const stream of ['/api/orders/AbC_-1/status', '/api/v1/payments/AbC_-1/events']) assert.match(stream, path);
  for (const other of ['/api/v1/payments/AbC', '/api/orders/AbC/retry', '/pay/AbC', '/api/orders/a/b/status']) assert.doesNotMatch(other, path);
  assert.match(streams[2]!, /proxy_buffering off;/);
  assert.match(streams[2]!, /gzip off;/);
  // The stream location sets no header of its own, or it would drop the server's proxy_set_header lines.
  assert.doesNotMatch(streams[2]!, /proxy_set_header/);
  assert.match(text, /client_max_body_size 2m;/);
});
