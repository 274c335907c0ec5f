// The e-mail templates: what a shopper reads in each language, and names that cannot break the HTML.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { receiptMail, refundMail, shippedMail } from '../../lib/mail/templates';

// The seller the mails name is SHOP_NAME (read when the first mail is rendered).
process.env.SHOP_NAME = 'Nordvik';
process.env.SHOP_ORG_NR = '556677-8899';
process.env.SHOP_VAT_NR = 'SE556677889901';

const common = { orderNumber: 42, orderUrl: 'https://shop.example/orders/TOKEN_abc/done', timeZone: 'Europe/Stockholm' };
const receipt = {
  ...common,
  lines: [
    { name: 'Stoneware mug', quantity: 2, lineTotalOre: 39800 },
    { name: 'Fika cookbook', quantity: 1, lineTotalOre: 25900 },
  ],
  vat: [
    { rateBp: 2500, netOre: 31840, vatOre: 7960, grossOre: 39800 },
    { rateBp: 600, netOre: 24434, vatOre: 1466, grossOre: 25900 },
  ],
  totalOre: 65700,
  paidAt: new Date('2026-07-01T10:05:00Z'), // 12:05 in Stockholm (summer time)
  ersReference: 'ERS-123456',
};

test('the English receipt: order number, lines, VAT per rate, total, paid time in Stockholm, SEQR reference, link', () => {
  const mail = receiptMail({ ...receipt, locale: 'en' });
  assert.equal(mail.subject, 'Your receipt from Nordvik, order NV-000042');
  assert.match(mail.text, /Org\. no\. 556677-8899/); // the seller line
  for (const part of [mail.text, mail.html]) {
    assert.match(part, /NV-000042/);
    assert.match(part, /Stoneware mug/);
    assert.match(part, /Fika cookbook/);
    assert.match(part, /ERS-123456/);
    assert.match(part, /657\.00/);
    assert.match(part, /of which VAT 25%/);
    assert.match(part, /of which VAT 6%/);
    assert.match(part, /79\.60/);
    assert.match(part, /14\.66/);
    assert.match(part, /12:05/);
  }
  assert.match(mail.text, /See your order: https:\/\/shop\.example\/orders\/TOKEN_abc\/done/);
  assert.match(mail.html, /href="https:\/\/shop\.example\/orders\/TOKEN_abc\/done"/);
  assert.match(mail.html, /<html lang="en">/);
});

test('the Swedish receipt is Swedish, with Swedish number formats', () => {
  const mail = receiptMail({ ...receipt, locale: 'sv' });
  assert.equal(mail.subject, 'Ditt kvitto från Nordvik, order NV-000042');
  assert.match(mail.text, /Tack för din beställning/);
  assert.match(mail.text, /varav moms 25\s?%: 79,60\s?kr/);
  assert.match(mail.text, /Totalt: 657,00\s?kr/);
  assert.match(mail.text, /SEQR-referens: ERS-123456/);
  assert.match(mail.text, /Betald: 1 juli 2026 kl\. 12:05 CEST/);
  assert.match(mail.html, /<html lang="sv">/);
  assert.doesNotMatch(mail.text, /Thank you|receipt/);
});

test('names from the order are escaped in the HTML and kept as they are in the text', () => {
  const hostile = '<script>alert("x")</script> & Ölands "bästa"';
  const mail = receiptMail({ ...receipt, locale: 'en', lines: [{ name: hostile, quantity: 1, lineTotalOre: 100 }], ersReference: '<b>ref</b>' });
  assert.doesNotMatch(mail.html, /<script>/);
  assert.doesNotMatch(mail.html, /<b>ref<\/b>/);
  assert.match(mail.html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; Ölands &quot;bästa&quot;/);
  assert.ok(mail.text.includes(hostile));
  const shipped = shippedMail({ ...common, locale: 'sv', carrier: 'Post<Nord>', trackingNumber: '"1&2"', shippedAt: receipt.paidAt });
  assert.match(shipped.html, /Post&lt;Nord&gt;/);
  assert.match(shipped.html, /&quot;1&amp;2&quot;/);
  assert.doesNotMatch(shipped.html, /Post<Nord>/);
});

test('the refund mail says how much was refunded and what remains, in both languages', () => {
  const data = { ...common, amountOre: 15000, remainingOre: 50700, refundedAt: new Date('2026-12-01T14:00:00Z'), ersReference: 'ERS-R1' };
  const en = refundMail({ ...data, locale: 'en' });
  assert.equal(en.subject, 'Refund from Nordvik, order NV-000042');
  assert.match(en.text, /We have refunded SEK\s?150\.00 for order NV-000042/);
  assert.match(en.text, /Remaining paid amount: SEK\s?507\.00/);
  assert.match(en.text, /15:00/); // CET in winter
  const sv = refundMail({ ...data, locale: 'sv' });
  assert.match(sv.text, /Vi har betalat tillbaka 150,00\s?kr för order NV-000042/);
  assert.match(sv.text, /Kvar av det betalda beloppet: 507,00\s?kr/);
  assert.match(sv.html, /ERS-R1/);
});

test('the shipped mail names carrier and tracking number, in both languages', () => {
  const data = { ...common, carrier: 'PostNord', trackingNumber: 'RR123456785SE', shippedAt: new Date('2026-12-02T08:30:00Z') };
  const en = shippedMail({ ...data, locale: 'en' });
  assert.equal(en.subject, 'Your order NV-000042 from Nordvik is on its way');
  assert.match(en.text, /Carrier: PostNord/);
  assert.match(en.text, /Tracking number: RR123456785SE/);
  const sv = shippedMail({ ...data, locale: 'sv' });
  assert.equal(sv.subject, 'Din order NV-000042 från Nordvik är på väg');
  assert.match(sv.text, /Transportör: PostNord/);
  assert.match(sv.text, /Spårningsnummer: RR123456785SE/);
  assert.match(sv.text, /Skickad: 2 december 2026 kl\. 09:30 CET/);
});
