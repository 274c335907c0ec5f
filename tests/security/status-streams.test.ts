// Attack replayed: ~800 live status streams on one order token made /api/health take over 15 s.
// Now streams are capped per order (STATUS_STREAMS_PER_ORDER, 5) and per process (STATUS_STREAMS_MAX,
// here 20 so a handful of orders reach it): over a cap the endpoint answers at once with 429/503,
// Retry-After and JSON (not an event stream, so the pay page's EventSource fails over to polling).
// Liveness bounds only (5 s per health call): this runs on a noisy 2-core machine.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { DATABASE_KIND } from '../helpers/db';
import { HttpShopper } from '../helpers/shopper';
import { startStack, type Stack } from './stack';

const PER_PROCESS = 20;
let stack: Stack;

type Opened = { status: number; contentType: string; retryAfter: string | undefined; close(): void };

/** Opens a stream attempt; resolves with its status as soon as the headers are in (live ones stay open). */
function openStream(token: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${stack.shop.url}/api/orders/${token}/status?stream=1`, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => {
      response.resume();
      resolve({
        status: response.statusCode ?? 0,
        contentType: String(response.headers['content-type'] ?? ''),
        retryAfter: response.headers['retry-after'] as string | undefined,
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

const withDeadline = async <T>(what: string, ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> => run(AbortSignal.timeout(ms)).catch((error: unknown) => assert.fail(`${what}: ${String(error)}`));

async function checkout(): Promise<string> {
  const shopper = new HttpShopper(stack.shop.url);
  await shopper.addToCart('wool-throw', 1);
  return shopper.checkout();
}

before(async () => {
  stack = await startStack('status_streams', { STATUS_STREAMS_MAX: String(PER_PROCESS) });
});
after(() => stack?.stop());

test(`${DATABASE_KIND}: 2,000 stream attempts on one order: 5 live, the rest refused at once; health and polling keep answering`, { timeout: 300_000 }, async () => {
  const token = await checkout();
  let healthy = 0;
  let attacking = true;
  const health = (async () => {
    while (attacking) {
      const response = await withDeadline('/api/health under the attack', 5000, (signal) => fetch(`${stack.shop.url}/api/health`, { signal }));
      assert.equal(response.status, 200);
      healthy++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const opened: Opened[] = [];
  // In waves of 250, all at once within a wave: the shop sees hundreds of attempts in flight.
  for (let wave = 0; wave < 8; wave++) opened.push(...(await Promise.all(Array.from({ length: 250 }, () => openStream(token)))));
  const poll = await withDeadline('a poll under the attack', 5000, (signal) => fetch(`${stack.shop.url}/api/orders/${token}/status`, { signal }));
  assert.equal(poll.status, 200);
  assert.equal((await poll.json()).orderStatus, 'AWAITING_PAYMENT');
  attacking = false;
  await health;

  const live = opened.filter((o) => o.status === 200);
  const refused = opened.filter((o) => o.status !== 200);
  assert.equal(live.length, 5, 'five live streams for one order');
  assert.ok(live.every((o) => o.contentType.startsWith('text/event-stream')));
  assert.equal(refused.length, 1995);
  assert.ok(refused.every((o) => o.status === 429 && o.retryAfter === '1' && o.contentType.startsWith('application/json')), 'refused with 429, Retry-After, and no event stream');
  assert.ok(healthy > 0);

  // Closing the live ones frees their slots: a new stream is live again (within a liveness bound).
  for (const o of opened) o.close();
  let again: Opened | undefined;
  for (let i = 0; i < 50 && again?.status !== 200; i++) {
    again?.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    again = await openStream(token);
  }
  again?.close();
  assert.equal(again?.status, 200, 'a slot is free again once the streams closed');
});

test(`${DATABASE_KIND}: the per-process cap: past ${PER_PROCESS} live streams a new one is refused with 503, health still answers`, { timeout: 300_000 }, async () => {
  const tokens = await Promise.all(Array.from({ length: 5 }, () => checkout()));
  const opened: Opened[] = [];
  for (const token of tokens) opened.push(...(await Promise.all(Array.from({ length: 5 }, () => openStream(token)))));
  const live = opened.filter((o) => o.status === 200);
  assert.equal(live.length, PER_PROCESS);
  assert.ok(opened.filter((o) => o.status !== 200).every((o) => o.status === 503 && o.retryAfter === '1'));
  const response = await withDeadline('/api/health at the cap', 5000, (signal) => fetch(`${stack.shop.url}/api/health`, { signal }));
  assert.equal(response.status, 200);
  const poll = await fetch(`${stack.shop.url}/api/orders/${tokens[0]}/status`);
  assert.equal(poll.status, 200, 'polling is never refused');
  for (const o of opened) o.close();
});
