import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStreamSlots } from '../../lib/http/stream-slots';

test('stream slots: a few per order, a bound per process, each released once', () => {
  const slots = createStreamSlots({ perKey: 2, total: 3 });
  const a1 = slots.acquire('a');
  const a2 = slots.acquire('a');
  assert.ok(a1.ok && a2.ok);
  assert.deepEqual(slots.acquire('a'), { ok: false, reason: 'per-key' });
  const b1 = slots.acquire('b');
  assert.ok(b1.ok);
  assert.deepEqual(slots.acquire('c'), { ok: false, reason: 'total' });
  a1.release();
  a1.release(); // the stream's end and the disconnect both release: counted once
  assert.equal(slots.of('a'), 1);
  assert.equal(slots.total(), 2);
  assert.ok(slots.acquire('c').ok);
  a2.release();
  b1.release();
  assert.equal(slots.of('a'), 0);
  assert.equal(slots.total(), 1);
});
