// The mail settings: the local mail catcher by default, SMTP_URL when set, a sentence for a bad one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../lib/config';

test('without SMTP_URL the shop sends to the local mail catcher that npm start runs', () => {
  const { mail } = parseConfig({ MAIL_CATCHER_SMTP_PORT: '2600', MAIL_CATCHER_HTTP_PORT: '8600' });
  assert.deepEqual(mail, {
    smtpUrl: 'smtp://localhost:2600',
    from: 'Nordvik <shop@nordvik.localhost>',
    startsLocalCatcher: true,
    catcherSmtpPort: 2600,
    catcherHttpPort: 8600,
    catcherBaseUrl: 'http://localhost:8600',
  });
});

test('SMTP_URL and MAIL_FROM point the shop at a real server, and no catcher is started', () => {
  const { mail } = parseConfig({ SMTP_URL: 'smtps://user:pa%40ss@mail.example.com:465', MAIL_FROM: 'Nordvik <kvitto@nordvik.se>' });
  assert.equal(mail.smtpUrl, 'smtps://user:pa%40ss@mail.example.com:465');
  assert.equal(mail.from, 'Nordvik <kvitto@nordvik.se>');
  assert.equal(mail.startsLocalCatcher, false);
});

test('an SMTP_URL that is not smtp:// or smtps:// stops the start with a sentence naming it', () => {
  for (const bad of ['http://mail.example.com', 'mail.example.com:587']) {
    assert.throws(() => parseConfig({ SMTP_URL: bad }), (error: unknown) => error instanceof ConfigError && /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/.test(error.message));
  }
  assert.throws(() => parseConfig({ MAIL_CATCHER_HTTP_PORT: '70000' }), /MAIL_CATCHER_HTTP_PORT must be a whole number between 1 and 65535/);
});
