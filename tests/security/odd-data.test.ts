// Attack replayed: odd data crashed pages and APIs. (1) Admin mutations with an order id that is not
// a UUID answered 500 (the database refuses to compare it). (2) An invoiceQRCode from SEQR that did
// not start with http:// made the pay page and the status API answer 500 for that order. Now a
// malformed id is a 404 with a sentence, and any QR text is shown, or refused with a sentence.
// The hostile QR texts come from a proxy in front of the real sandbox that rewrites sendInvoice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DATABASE_KIND } from '../helpers/db';
import { startSeqrProxy, type SeqrProxy } from '../helpers/seqr-proxy';
import { HttpShopper } from '../helpers/shopper';
import { startStack, type Stack } from './stack';

let stack: Stack;
let proxy: SeqrProxy;

before(async () => {
  proxy = await startSeqrProxy('http://127.0.0.1:9/unset');
  stack = await startStack('odd_data', {}, (sandbox) => {
    proxy.upstream = sandbox.endpointUrl;
    // A sandbox at a URL of its own (the proxy): sandbox mode is declared, never inferred.
    return { SEQR_WSDL_URL: proxy.wsdlUrl, SEQR_SANDBOX: '1' };
  });
});
after(async () => {
  await stack?.stop();
  await proxy?.close();
});

test(`${DATABASE_KIND}: admin mutations with a malformed order id answer 404 with a sentence`, async () => {
  const login = await fetch(`${stack.shop.url}/admin/api/login`, { method: 'POST', body: new URLSearchParams({ password: 'nordvik-admin' }), redirect: 'manual' });
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  for (const action of ['refund', 'cancel', 'accept']) {
    for (const id of ['not-a-uuid', '1', "' OR 1=1 --", 'x'.repeat(5000)]) {
      const response = await fetch(`${stack.shop.url}/admin/api/orders/${encodeURIComponent(id)}/${action}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'amount=1&csrf=x',
      });
      assert.equal(response.status, 404, `${action} ${id.slice(0, 20)}`);
      assert.equal((await response.json()).error, 'There is no order with this id.');
    }
    const page = await fetch(`${stack.shop.url}/admin/orders/not-a-uuid`, { headers: { cookie } });
    assert.equal(page.status, 404);
  }
});

const SENTENCE = {
  noAppLink: 'This payment code cannot open the SEQR app from here: scan the QR code with the app instead.',
  noQr: 'SEQR sent a payment code this page cannot show as a QR code.',
  unusable: 'SEQR sent a payment code this shop cannot show, so this invoice cannot be paid here.',
};

const cases: { qr: string; appLink: RegExp | null; page: string[] }[] = [
  { qr: 'HTTPS://SEQR.SE/R1700000000001', appLink: /^seqr-demo:\/\/SEQR\.SE\/R1700000000001$/, page: ['Open SEQR app'] },
  { qr: 'http://seqr.se/r1700000000002', appLink: /^seqr-demo:\/\/seqr\.se\/r1700000000002$/, page: ['Open SEQR app'] },
  { qr: 'garbage, not a URL <b>', appLink: null, page: [SENTENCE.noAppLink] },
  { qr: `HTTP://SEQR.SE/R${'9'.repeat(10_000)}`, appLink: null, page: [SENTENCE.unusable] },
];

for (const { qr, appLink, page } of cases) {
  test(`${DATABASE_KIND}: an invoiceQRCode of ${JSON.stringify(qr.slice(0, 30))}${qr.length > 30 ? ` (${qr.length} characters)` : ''} is shown or refused with a sentence`, async () => {
    proxy.invoiceQRCodeAs = qr;
    const shopper = new HttpShopper(stack.shop.url);
    await shopper.addToCart('wool-throw', 1);
    const token = await shopper.checkout();
    const status = await fetch(`${stack.shop.url}/api/orders/${token}/status`);
    assert.equal(status.status, 200);
    const view = (await status.json()) as { attempt: { status: string; invoiceQRCode: string; appLink: string | null } };
    assert.equal(view.attempt.status, 'ISSUED');
    assert.equal(view.attempt.invoiceQRCode, qr, 'stored as SEQR sent it');
    if (appLink) assert.match(view.attempt.appLink ?? '', appLink);
    else assert.equal(view.attempt.appLink, null);
    for (const userAgent of ['Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile', 'Mozilla/5.0 (X11; Linux x86_64)']) {
      const html = await (await fetch(`${stack.shop.url}/pay/${token}`, { headers: { 'user-agent': userAgent } }).then((r) => {
        assert.equal(r.status, 200, userAgent);
        return r;
      })).text();
      for (const text of page) assert.ok(html.includes(text.replace(/'/g, '&#x27;')), `${userAgent}: the page says "${text}"`);
      assert.ok(!html.includes('<b>'), 'the QR text is never markup');
    }
  });
}

test(`${DATABASE_KIND}: an empty invoiceQRCode: the status API and the pay page answer without a 500`, async () => {
  proxy.invoiceQRCodeAs = '';
  const shopper = new HttpShopper(stack.shop.url);
  await shopper.addToCart('wool-throw', 1);
  const token = await shopper.checkout();
  const status = await fetch(`${stack.shop.url}/api/orders/${token}/status`);
  assert.equal(status.status, 200);
  const page = await fetch(`${stack.shop.url}/pay/${token}`);
  assert.ok(page.status < 500, `the pay page answered ${page.status}`);
  proxy.invoiceQRCodeAs = undefined;
});
