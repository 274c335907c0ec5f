import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveLocale, seqrReason, translateMessage, translator } from '../../lib/i18n';
import { en, sv } from '../../lib/i18n/messages';

test('the language comes from the switch cookie, else Accept-Language, else English', () => {
  assert.equal(resolveLocale('sv', 'en-US,en;q=0.9'), 'sv');
  assert.equal(resolveLocale('en', 'sv-SE'), 'en');
  assert.equal(resolveLocale(undefined, 'sv-SE,sv;q=0.9,en;q=0.8'), 'sv');
  assert.equal(resolveLocale(undefined, 'de-DE,sv;q=0.7,en;q=0.8'), 'en');
  assert.equal(resolveLocale(undefined, 'de-DE,sv;q=0.9,en;q=0.8'), 'sv');
  assert.equal(resolveLocale('fr', 'fi, nb'), 'en');
  assert.equal(resolveLocale(undefined, null), 'en');
  assert.equal(resolveLocale(undefined, 'sv;q=0'), 'en');
});

test('every text has a Swedish translation with the same parameters', () => {
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    assert.ok(sv[key]?.trim(), key);
    const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    assert.equal(params(sv[key]), params(en[key]), key);
  }
});

test('parameters are filled in, and SEQR reasons come in the reader language', () => {
  assert.equal(translator('sv')('error.lineMax', { max: 99, name: 'Ullpläd' }), 'Du kan ha högst 99 st Ullpläd i varukorgen.');
  assert.equal(translator('en')('cart.link', { count: 3 }), 'Cart, 3 items');
  assert.equal(seqrReason('sv', 98), 'Återbetalningarna skulle bli större än den ursprungliga betalningen. (98 SUM_OF_REFUNDS_CAN_NOT_BE_MORE_THAN_ORIGINAL_TRANSACTION)');
  assert.match(seqrReason('sv', 91), /^SEQR does not support this operation here\. \(91 UNSUPPORTED_OPERATION\)$/);
  assert.equal(translateMessage('en', { key: 'admin.refund.refused', seqrCode: 97 }), 'SEQR refused the refund: Refunds are not enabled for this merchant at SEQR. (97 RESELLER_NOT_ALLOWED_TO_DO_REFUND)');
});
