// The cart domain against a real (embedded) database: prices come from the catalog, bad input
// is refused with a sentence, and a forged cookie never reaches another cart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';

await useFreshDatabase('cart');

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart, CartInputError, readCart, removeCartLine, setCartLineQuantity } = await import('../../lib/cart');

before(async () => {
  await migrate();
  assert.ok((await seed()) >= 12);
});
after(() => closeDb());

test('adding products creates a cart whose totals use database prices', async () => {
  const cartId = await addToCart(undefined, { slug: 'stoneware-mug', quantity: '2' });
  assert.equal(await addToCart(cartId, { slug: 'fika-cookbook', quantity: 1 }), cartId);
  assert.equal(await addToCart(cartId, { slug: 'stoneware-mug', quantity: '1' }), cartId);
  const state = await readCart(cartId);
  assert.equal(state.kind, 'ok');
  if (state.kind !== 'ok') return;
  assert.deepEqual(state.cart.lines.map((l) => [l.product.slug, l.quantity, l.lineTotalOre]), [
    ['stoneware-mug', 3, 56700],
    ['fika-cookbook', 1, 27900],
  ]);
  assert.equal(state.cart.totals.totalOre, 84600);

  // A price change in the catalog shows up in the cart: the cart never stores prices.
  await getDb().product.update({ where: { slug: 'fika-cookbook' }, data: { priceOre: 25000 } });
  const repriced = await readCart(cartId);
  assert.equal(repriced.kind === 'ok' && repriced.cart.totals.totalOre, 56700 + 25000);
  await getDb().product.update({ where: { slug: 'fika-cookbook' }, data: { priceOre: 27900 } });
});

test('bad quantities and unknown products are refused with a sentence, and nothing is stored', async () => {
  const cartId = await addToCart(undefined, { slug: 'wool-throw', quantity: 1 });
  const cases: [{ slug: unknown; quantity: unknown }, string][] = [
    [{ slug: 'wool-throw', quantity: '0' }, 'Quantity must be at least 1.'],
    [{ slug: 'wool-throw', quantity: -1 }, 'Quantity must be at least 1.'],
    [{ slug: 'wool-throw', quantity: '1000000000' }, 'Quantity can be at most 99.'],
    [{ slug: 'wool-throw', quantity: 'abc' }, 'Quantity must be a number.'],
    [{ slug: 'wool-throw', quantity: '1.5' }, 'Quantity must be a whole number.'],
    [{ slug: 'wool-throw', quantity: 'Infinity' }, 'Quantity must be a number.'],
    [{ slug: 'no-such-product', quantity: 1 }, 'That product does not exist.'],
    [{ slug: '../../etc/passwd', quantity: 1 }, 'That product does not exist.'],
    [{ slug: null, quantity: 1 }, 'That product does not exist.'],
    [{ slug: 'wool-throw', quantity: '99' }, 'You can have at most 99 of Wool throw, grey in the cart.'],
  ];
  for (const [input, message] of cases) {
    await assert.rejects(addToCart(cartId, input), (error: unknown) => error instanceof CartInputError && error.message === message, JSON.stringify(input));
  }
  await assert.rejects(setCartLineQuantity(cartId, { slug: 'wool-throw', quantity: -1 }), /Quantity cannot be negative \(0 removes the line\)\./);
  await assert.rejects(setCartLineQuantity(cartId, { slug: 'glass-carafe', quantity: 2 }), /Glass carafe, 1 l is not in your cart\./);
  const state = await readCart(cartId);
  assert.deepEqual(state.kind === 'ok' && state.cart.lines.map((l) => [l.product.slug, l.quantity]), [['wool-throw', 1]]);

  await setCartLineQuantity(cartId, { slug: 'wool-throw', quantity: '4' });
  await removeCartLine(cartId, { slug: 'wool-throw' });
  const emptied = await readCart(cartId);
  assert.equal(emptied.kind === 'ok' && emptied.cart.lines.length, 0);
});

test('a forged or unknown cart cookie is reported as invalid and never touches another cart', async () => {
  assert.deepEqual(await readCart(undefined), { kind: 'none' });
  for (const forged of ['forged', "' OR 1=1 --", 'A'.repeat(32), 'x'.repeat(5000)]) {
    assert.deepEqual(await readCart(forged), { kind: 'invalid' }, forged.slice(0, 20));
  }
  const fresh = await addToCart('A'.repeat(32), { slug: 'glass-carafe', quantity: 1 });
  assert.notEqual(fresh, 'A'.repeat(32), 'a new cart with a new random id replaces the forged one');
  await assert.rejects(setCartLineQuantity('forged', { slug: 'glass-carafe', quantity: 2 }), /Your cart could not be found/);
});
