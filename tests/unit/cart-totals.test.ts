import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cartTotals } from '../../lib/cart/totals';

test('an empty cart totals to zero', () => {
  assert.deepEqual(cartTotals([]), { itemCount: 0, totalOre: 0, vatOre: 0, vat: [] });
});

test('line totals add up and VAT is grouped per rate, highest rate first', () => {
  const totals = cartTotals([
    { unitPriceOre: 18900, quantity: 2, taxRateBp: 2500 }, // 378.00
    { unitPriceOre: 27900, quantity: 1, taxRateBp: 600 }, //  279.00
    { unitPriceOre: 8950, quantity: 3, taxRateBp: 2500 }, //  268.50
  ]);
  assert.equal(totals.itemCount, 6);
  assert.equal(totals.totalOre, 92550);
  assert.deepEqual(totals.vat, [
    { rateBp: 2500, grossOre: 64650, vatOre: 12930, netOre: 51720 },
    { rateBp: 600, grossOre: 27900, vatOre: 1579, netOre: 26321 },
  ]);
  assert.equal(totals.vatOre, 12930 + 1579);
});

test('VAT is computed on the sum per rate, not rounded per line', () => {
  // Three lines of 0.10 kr at 25 %: per line 0.02 each (0.06), on the sum 0.30 -> 0.06 as well;
  // 0.03 kr lines show the difference: per line 0.01 each (0.03), on the sum 0.09 -> 0.02.
  const totals = cartTotals([
    { unitPriceOre: 3, quantity: 1, taxRateBp: 2500 },
    { unitPriceOre: 3, quantity: 1, taxRateBp: 2500 },
    { unitPriceOre: 3, quantity: 1, taxRateBp: 2500 },
  ]);
  assert.equal(totals.vatOre, 2);
});
