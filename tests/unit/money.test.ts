import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decimalStringToOre, formatMoney, oreToDecimalString, vatOfGross } from '../../lib/money';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

test('formatMoney shows Swedish kronor with two decimals', () => {
  assert.equal(nbsp(formatMoney(18900)), '189,00 kr');
  assert.equal(nbsp(formatMoney(8950)), '89,50 kr');
  assert.equal(nbsp(formatMoney(123456789)), '1 234 567,89 kr');
  assert.equal(nbsp(formatMoney(0)), '0,00 kr');
  assert.equal(nbsp(formatMoney(-5)), '−0,05 kr');
  assert.equal(nbsp(formatMoney(8950, 'en-GB')), 'SEK 89.50');
});

test('formatMoney refuses amounts that are not whole öre', () => {
  assert.throws(() => formatMoney(1.5), RangeError);
  assert.throws(() => formatMoney(Number.NaN), RangeError);
});

test('öre become SEQR decimal strings exactly', () => {
  assert.equal(oreToDecimalString(1999), '19.99');
  assert.equal(oreToDecimalString(5), '0.05');
  assert.equal(oreToDecimalString(100), '1.00');
  assert.equal(oreToDecimalString(0), '0.00');
  assert.equal(oreToDecimalString(-250), '-2.50');
  assert.equal(oreToDecimalString(9007199254740991), '90071992547409.91');
});

test('SEQR decimal strings become öre exactly, without floating point', () => {
  assert.equal(decimalStringToOre('19.99'), 1999);
  assert.equal(decimalStringToOre('20'), 2000);
  assert.equal(decimalStringToOre('19.9'), 1990);
  assert.equal(decimalStringToOre('19.990'), 1999);
  assert.equal(decimalStringToOre(' 0.07 '), 7); // 0.07 * 100 is 7.000000000000001 in floating point
  assert.equal(decimalStringToOre('-2.50'), -250);
  assert.equal(decimalStringToOre('-0.00'), 0);
  for (const bad of ['', 'abc', '1,50', '1.005', '1e3', '.5', '1.', '--1']) {
    assert.throws(() => decimalStringToOre(bad), RangeError, bad);
  }
});

test('VAT inside a VAT-inclusive price rounds half up to the öre', () => {
  assert.equal(vatOfGross(12500, 2500), 2500); // 125 kr at 25 % holds 25 kr
  assert.equal(vatOfGross(18900, 2500), 3780);
  assert.equal(vatOfGross(27900, 600), 1579); // 279 * 6/106 = 15.7924…
  assert.equal(vatOfGross(10, 2500), 2); // 0.10 * 0.2 = 0.02
  assert.equal(vatOfGross(1, 2500), 0); // 0.2 öre rounds down
  assert.equal(vatOfGross(53, 600), 3); // 53 * 6 / 106 = 3.0 exactly
  assert.equal(vatOfGross(-12500, 2500), -2500);
  assert.equal(vatOfGross(5000, 0), 0);
  assert.throws(() => vatOfGross(100, -1), RangeError);
});
