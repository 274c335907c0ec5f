// The sandbox's behaviour over HTTP beyond the interop tests: the 20-second rule, TTL expiry,
// notificationUrl POSTs, fault injection, SOAP faults vs business errors, the wallet simulator,
// the control API's errors, and persistence across restarts. SOAP calls are raw XML via fetch
// (plus node-soap's client where a real client's reaction matters).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import soap from 'soap';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function context(id = 'demo-webshop', password = 'demo-password'): string {
  return `<context><clientId>tests</clientId><clientRequestTimeout>0</clientRequestTimeout><initiatorPrincipalId><id>${id}</id><type>TERMINALID</type></initiatorPrincipalId><password>${password}</password></context>`;
}

function invoiceXml(opts: { total?: string; notificationUrl?: string; backURL?: string; ack?: string | null; title?: string } = {}): string {
  const total = opts.total ?? '447.00';
  return (
    '<invoice>' +
    // Element order deliberately not the schema's: the sandbox must accept any order.
    `<totalAmount><value>${total}</value><currency>SEK</currency></totalAmount>` +
    (opts.ack === null ? '' : `<acknowledgmentMode>${opts.ack ?? 'NO_ACKNOWLEDGMENT'}</acknowledgmentMode>`) +
    `<title>${opts.title ?? 'Acme &amp; Co'}</title>` +
    '<invoiceRows><invoiceRow><itemDescription>T-shirt, blue</itemDescription><itemQuantity>2</itemQuantity>' +
    '<itemTotalAmount><currency>SEK</currency><value>398.00</value></itemTotalAmount></invoiceRow>' +
    `<invoiceRow><itemDescription>Shipping</itemDescription><itemQuantity>1</itemQuantity><itemTotalAmount><currency>SEK</currency><value>49.00</value></itemTotalAmount></invoiceRow></invoiceRows>` +
    (opts.backURL ? `<backURL>${opts.backURL}</backURL>` : '') +
    (opts.notificationUrl ? `<notificationUrl>${opts.notificationUrl}</notificationUrl>` : '') +
    '</invoice>'
  );
}

interface SoapAnswer {
  status: number;
  text: string;
  code: number | undefined;
  field(name: string): string | undefined;
}

async function soapCall(sandbox: SandboxProcess, operation: string, inner: string, endpoint = sandbox.endpointUrl): Promise<SoapAnswer> {
  const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ext="http://external.interfaces.ers.seamless.com/"><soapenv:Header/><soapenv:Body><ext:${operation}>${inner}</ext:${operation}></soapenv:Body></soapenv:Envelope>`;
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body });
  const text = await response.text();
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  const code = field('resultCode');
  return { status: response.status, text, code: code === undefined ? undefined : Number(code), field };
}

async function sendInvoice(sandbox: SandboxProcess, opts: Parameters<typeof invoiceXml>[0] = {}): Promise<string> {
  const answer = await soapCall(sandbox, 'sendInvoice', context() + invoiceXml(opts));
  assert.equal(answer.code, 0, answer.text);
  return answer.field('invoiceReference') ?? '';
}

const status = (sandbox: SandboxProcess, ref: string) =>
  soapCall(sandbox, 'getPaymentStatus', `${context()}<invoiceReference>${ref}</invoiceReference><invoiceVersion>0</invoiceVersion>`);

let sandbox: SandboxProcess;
before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 2, reportDelayS: 1, env: { SEQR_SANDBOX_LOG_CALLS: '1' } }); // its per-call [soap] log is checked below
});
after(() => sandbox?.stop());

describe('the 20-second rule (2 s here)', () => {
  test('a payment nobody confirms is reversed to CANCELED; a confirmed one stays PAID', async () => {
    const unconfirmed = await sendInvoice(sandbox);
    const confirmed = await sendInvoice(sandbox);
    await sandbox.control.pay(unconfirmed);
    await sandbox.control.pay(confirmed);
    const seen = await status(sandbox, confirmed);
    assert.equal(seen.field('status'), 'PAID');
    assert.equal((await sandbox.control.invoice(confirmed)).confirmed, true);
    assert.equal((await sandbox.control.invoice(unconfirmed)).status, 'PAID', 'still PAID inside the window');

    await sleep(2600);
    const reversed = await sandbox.control.invoice(unconfirmed);
    assert.equal(reversed.status, 'CANCELED');
    assert.equal(reversed.reversed, true);
    assert.equal(reversed.confirmed, false);
    assert.equal(reversed.version, 3, 'ISSUED 1 → PAID 2 → CANCELED 3');
    assert.ok(reversed.history.some((h) => h.kind === 'reversed' && /SMS/.test(h.text)));
    const after = await status(sandbox, unconfirmed);
    assert.equal(after.field('status'), 'CANCELED');
    assert.equal(after.field('ersReference'), undefined);
    const kept = await sandbox.control.invoice(confirmed);
    assert.equal(kept.status, 'PAID');
    assert.equal(kept.reversed, false);
    assert.match(sandbox.output(), new RegExp(`invoice ${unconfirmed}: payment \\d{25} reversed .*SMS to customer`));
  });
});

describe('notificationUrl', () => {
  let receiver: http.Server;
  const received: { method?: string; url?: string; type?: string; body: string }[] = [];
  let base = '';
  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  test('a form POST of invoiceReference to notificationUrl when PAID, its HTTP status recorded; none on cancel; dropped by the fault switch', async () => {
    const ref = await sendInvoice(sandbox, { notificationUrl: `${base}/notify?o=42&amp;t=secret` });
    await sandbox.control.pay(ref);
    let invoice = await sandbox.control.invoice(ref);
    for (let i = 0; i < 50 && invoice.notifications.length === 0; i++) {
      await sleep(50);
      invoice = await sandbox.control.invoice(ref);
    }
    assert.equal(received.length, 1);
    // As SEQR sent it (PROTOCOL.md §11): the reference in a form body, the URL as given.
    assert.deepEqual(received[0], { method: 'POST', url: '/notify?o=42&t=secret', type: 'application/x-www-form-urlencoded', body: `invoiceReference=${ref}` });
    assert.equal(invoice.notifications.length, 1);
    assert.equal(invoice.notifications[0]?.httpStatus, 202);
    await status(sandbox, ref); // confirm, so it is not reversed later

    const canceled = await sendInvoice(sandbox, { notificationUrl: `${base}/notify?o=43` });
    await sandbox.control.cancel(canceled);

    await sandbox.control.setFaults({ dropNotifications: true });
    const dropped = await sendInvoice(sandbox, { notificationUrl: `${base}/notify?o=44` });
    await sandbox.control.pay(dropped);
    await sleep(300);
    await sandbox.control.clearFaults();
    assert.equal(received.length, 1, 'no POST for a cancel, none while dropped');
    const droppedInvoice = await sandbox.control.invoice(dropped);
    assert.equal(droppedInvoice.notifications[0]?.dropped, true);
    assert.equal(droppedInvoice.notifications[0]?.httpStatus, null);
    await status(sandbox, dropped);
  });

  test('an unreachable notificationUrl never blocks the payment', async () => {
    const ref = await sendInvoice(sandbox, { notificationUrl: 'http://127.0.0.1:9/notify' });
    const paid = await sandbox.control.pay(ref);
    assert.equal(paid.status, 'PAID');
    await status(sandbox, ref);
    let invoice = await sandbox.control.invoice(ref);
    for (let i = 0; i < 50 && invoice.notifications.length === 0; i++) {
      await sleep(50);
      invoice = await sandbox.control.invoice(ref);
    }
    assert.equal(invoice.notifications[0]?.httpStatus, null);
    assert.ok(invoice.notifications[0]?.error);
  });
});

describe('faults', () => {
  after(() => sandbox.control.clearFaults());

  test('down: the connection is dropped; slowMs delays; resultCode hits one operation only; garbage is unparsable', async () => {
    const ref = await sendInvoice(sandbox);

    assert.deepEqual(await sandbox.control.setFaults({ down: true }), { down: true });
    await assert.rejects(status(sandbox, ref));
    await assert.rejects(fetch(sandbox.wsdlUrl));
    assert.deepEqual(await sandbox.control.clearFaults(), {});

    await sandbox.control.setFaults({ slowMs: 700 });
    const started = Date.now();
    assert.equal((await status(sandbox, ref)).code, 0);
    assert.ok(Date.now() - started >= 650, `took ${Date.now() - started} ms`);
    await sandbox.control.clearFaults();

    await sandbox.control.setFaults({ resultCode: 94, operation: 'getPaymentStatus' });
    assert.deepEqual(await sandbox.control.faults(), { resultCode: 94, operation: 'getPaymentStatus' });
    const unavailable = await status(sandbox, ref);
    assert.equal(unavailable.status, 200);
    assert.equal(unavailable.code, 94);
    assert.equal(unavailable.field('resultDescription'), 'SERVICE_UNAVAILABLE');
    assert.match(unavailable.text, /<version>0<\/version>/, 'the required version element is still there');
    assert.equal((await soapCall(sandbox, 'cancelInvoice', `${context()}<invoiceReference>${ref}</invoiceReference>`)).code, 0);
    await sandbox.control.setFaults({ resultCode: 93 });
    assert.equal((await sendInvoice(sandbox).catch(() => 'failed')), 'failed');
    await sandbox.control.clearFaults();

    const client = await soap.createClientAsync(sandbox.wsdlUrl);
    await sandbox.control.setFaults({ garbage: true });
    const raw = await fetch(sandbox.endpointUrl, { method: 'POST', body: '<x/>' });
    assert.equal(raw.status, 200);
    assert.doesNotMatch(await raw.text(), /^\s*</);
    await assert.rejects(client.getPaymentStatusAsync({ context: { clientRequestTimeout: 0, initiatorPrincipalId: { id: 'demo-webshop', type: 'TERMINALID' }, password: 'demo-password' }, invoiceReference: ref, invoiceVersion: 0 }));
    await sandbox.control.clearFaults();
    const [ok] = await client.getPaymentStatusAsync({ context: { clientRequestTimeout: 0, initiatorPrincipalId: { id: 'demo-webshop', type: 'TERMINALID' }, password: 'demo-password' }, invoiceReference: ref, invoiceVersion: 0 });
    assert.equal(ok.return.status, 'CANCELED');
  });

  test('bad fault bodies are 400 with a sentence', async () => {
    for (const body of ['{"down":"yes"}', '{"resultCode":12345}', '{"nope":true}', 'not json', '{"operation":"sendInvoice"}', '{"resultCode":94,"operation":"nosuch"}']) {
      const response = await fetch(`${sandbox.url}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(response.status, 400, body);
      const json = (await response.json()) as { error: string };
      assert.match(json.error, /^[A-Z"].+\.$/, json.error);
    }
    assert.deepEqual(await sandbox.control.faults(), {});
  });
});

describe('SOAP faults only for broken requests', () => {
  test('malformed XML and unknown operations get a soap:Client Fault with HTTP 500; business errors are 200 with a resultCode', async () => {
    for (const body of ['<soapenv:Envelope><soapenv:Body><unclosed></soapenv:Body>', 'hello', '', '<?xml version="1.0"?><notsoap/>']) {
      const response = await fetch(sandbox.endpointUrl, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      const text = await response.text();
      assert.equal(response.status, 500, body);
      assert.match(text, /<soap:Fault><faultcode>soap:Client<\/faultcode><faultstring>[^<]+<\/faultstring><\/soap:Fault>/, text);
    }
    const unknown = await soapCall(sandbox, 'getInvoiceList', context());
    assert.equal(unknown.status, 500);
    assert.match(unknown.text, /Unknown operation getInvoiceList/);

    const noContext = await soapCall(sandbox, 'getPaymentStatus', '<invoiceReference>1</invoiceReference><invoiceVersion>0</invoiceVersion>');
    assert.equal(noContext.status, 200);
    assert.equal(noContext.code, 29);
    const emptyContext = await soapCall(sandbox, 'sendInvoice', '<context/><invoice/>');
    assert.equal(emptyContext.code, 29);
    const wrongPassword = await soapCall(sandbox, 'sendInvoice', context('demo-webshop', 'nope') + invoiceXml());
    assert.deepEqual([wrongPassword.status, wrongPassword.code, wrongPassword.field('resultDescription')], [200, 20, 'AUTHENTICATION_FAILED']);
    const noInvoice = await soapCall(sandbox, 'sendInvoice', context());
    assert.equal(noInvoice.code, 49);
    // Well-typed but unacceptable amounts are business errors; 'abc' is not an xs:decimal at all,
    // which SEQR's JAXB layer refused before any business rule (see "SEQR's unmarshalling").
    for (const total of ['0.00', '-5', '1.001']) {
      assert.equal((await soapCall(sandbox, 'sendInvoice', context() + invoiceXml({ total }))).code, 49, total);
    }
    assert.equal((await soapCall(sandbox, 'sendInvoice', context() + invoiceXml({ backURL: '/relative' }))).code, 64);
    assert.equal((await soapCall(sandbox, 'sendInvoice', context() + invoiceXml({ notificationUrl: 'shop.example/notify' }))).code, 64);
    // The response shape of §1.2: qualified wrapper, unqualified <return>, no nils.
    const ok = await soapCall(sandbox, 'sendInvoice', context() + invoiceXml());
    assert.match(ok.text, /^<\?xml version="1\.0" encoding="UTF-8"\?><soap:Envelope xmlns:soap="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><soap:Body><ns2:sendInvoiceResponse xmlns:ns2="http:\/\/external\.interfaces\.ers\.seamless\.com\/"><return><resultCode>0<\/resultCode><resultDescription>SUCCESS<\/resultDescription><invoiceQRCode>HTTP:\/\/SEQR\.SE\/R\d{13}<\/invoiceQRCode><invoiceReference>\d{13}<\/invoiceReference><\/return><\/ns2:sendInvoiceResponse><\/soap:Body><\/soap:Envelope>$/);
    assert.doesNotMatch(ok.text, /nil/);
  });

  test('the WSDL is served with its address rewritten; the alias endpoint works', async () => {
    const wsdl = await (await fetch(sandbox.wsdlUrl)).text();
    assert.match(wsdl, new RegExp(`<soap:address location="${sandbox.endpointUrl}"/>`));
    assert.match(wsdl, /<wsdl:operation name="executeReport">/);
    const alias = await soapCall(sandbox, 'sendInvoice', context() + invoiceXml(), `${sandbox.url}/extclientproxy/service/v2`);
    assert.equal(alias.code, 0);
  });

  test('one log line per SOAP call, never a password', () => {
    assert.match(sandbox.output(), /\[soap\] sendInvoice TERMINALID demo-webshop → 0 SUCCESS in \d+ ms/);
    assert.match(sandbox.output(), /\[soap\] sendInvoice TERMINALID demo-webshop → 20 AUTHENTICATION_FAILED in \d+ ms/);
    assert.doesNotMatch(sandbox.output(), /demo-password/);
  });
});

const SEQR_NS = 'http://external.interfaces.ers.seamless.com/';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

async function rawSoap(sandbox: SandboxProcess, body: string): Promise<{ status: number; text: string; faultcode?: string; faultstring?: string }> {
  const response = await fetch(sandbox.endpointUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body });
  const text = await response.text();
  const unescape = (value: string | undefined) => value?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return {
    status: response.status,
    text,
    faultcode: /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1],
    faultstring: unescape(/<faultstring>([^<]*)<\/faultstring>/.exec(text)?.[1]),
  };
}

const envelope = (inner: string) => `<soapenv:Envelope xmlns:soapenv="${SOAP11}" xmlns:ext="${SEQR_NS}"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

describe("SEQR's unmarshalling (CXF/JAXB, elementFormDefault unqualified)", () => {
  // Each request is refused before it reaches the model: HTTP 500, a SOAP 1.1 soap:Client Fault
  // whose faultstring names the element as CXF did, and no invoice stored.
  const cases: { name: string; body: string; faultstring: RegExp }[] = [
    {
      name: 'namespace-qualified children (prefix)',
      body: envelope(`<ext:sendInvoice>${context().replace('<context>', '<ext:context>').replace('</context>', '</ext:context>')}${invoiceXml()}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: unexpected element \(uri:"http:\/\/external\.interfaces\.ers\.seamless\.com\/", local:"context"\)\. Expected elements are <\{\}context>,<\{\}invoice>,<\{\}tokens>$/,
    },
    {
      name: 'children qualified by a default namespace on the wrapper',
      body: `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Body><sendInvoice xmlns="${SEQR_NS}">${context()}${invoiceXml()}</sendInvoice></soapenv:Body></soapenv:Envelope>`,
      faultstring: /^Unmarshalling Error: unexpected element \(uri:"http:\/\/external\.interfaces\.ers\.seamless\.com\/", local:"context"\)/,
    },
    {
      name: 'wrapper in the wrong namespace',
      body: `<soapenv:Envelope xmlns:soapenv="${SOAP11}" xmlns:ext="http://externalclientservice.cashregister.seamless.com/"><soapenv:Body><ext:sendInvoice>${context()}${invoiceXml()}</ext:sendInvoice></soapenv:Body></soapenv:Envelope>`,
      faultstring: /^Unmarshalling Error: unexpected element \(uri:"http:\/\/externalclientservice\.cashregister\.seamless\.com\/", local:"sendInvoice"\)\. Expected elements are <\{http:\/\/external\.interfaces\.ers\.seamless\.com\/\}sendInvoice>$/,
    },
    {
      name: 'wrapper in no namespace',
      body: envelope(`<sendInvoice>${context()}${invoiceXml()}</sendInvoice>`),
      faultstring: /^Unmarshalling Error: unexpected element \(uri:"", local:"sendInvoice"\)/,
    },
    {
      name: 'a SOAP 1.2 envelope',
      body: `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ext="${SEQR_NS}"><env:Body><ext:sendInvoice>${context()}${invoiceXml()}</ext:sendInvoice></env:Body></env:Envelope>`,
      faultstring: /^Unmarshalling Error: unexpected element \(uri:"http:\/\/www\.w3\.org\/2003\/05\/soap-envelope", local:"Envelope"\)\. Expected elements are <\{http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/\}Envelope>$/,
    },
    {
      name: 'an unknown element inside invoice',
      body: envelope(`<ext:sendInvoice>${context()}${invoiceXml().replace('</invoice>', '<discountCode>SUMMER</discountCode></invoice>')}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: unexpected element \(uri:"", local:"discountCode"\)\. Expected elements are <\{\}paymentMode>,.*<\{\}notificationUrl>,<\{\}commitReservationTimeout>$/,
    },
    {
      name: 'text where the complex totalAmount belongs',
      body: envelope(`<ext:sendInvoice>${context()}${invoiceXml().replace(/<totalAmount>.*?<\/totalAmount>/, '<totalAmount>447.00</totalAmount>')}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: unexpected text "447\.00" in element <\{\}totalAmount>$/,
    },
    {
      name: 'a non-numeric xs:int (tokens/status)',
      body: envelope(`<ext:sendInvoice>${context()}${invoiceXml()}<tokens><id>loyalty</id><status>abc</status></tokens></ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: Not a number: abc \(element <\{\}status>\)$/,
    },
    {
      name: 'a non-numeric xs:long (clientRequestTimeout)',
      body: envelope(`<ext:sendInvoice>${context().replace('<clientRequestTimeout>0<', '<clientRequestTimeout>soon<')}${invoiceXml()}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: For input string: "soon" \(element <\{\}clientRequestTimeout>\)$/,
    },
    {
      name: 'a value that is not an xs:decimal',
      body: envelope(`<ext:sendInvoice>${context()}${invoiceXml({ total: 'abc' })}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: Character a is neither a decimal digit number.* \(element <\{\}value>\)$/,
    },
    {
      name: 'an xs:dateTime that is not one',
      body: envelope(`<ext:sendInvoice>${context()}${invoiceXml().replace('<invoice>', '<invoice><issueDate>yesterday</issueDate>')}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: yesterday \(element <\{\}issueDate>\)$/,
    },
    {
      name: 'an empty xs:long (Long.valueOf refuses "")',
      body: envelope(`<ext:sendInvoice>${context().replace('<clientRequestTimeout>0</clientRequestTimeout>', '<clientRequestTimeout/>')}${invoiceXml()}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: For input string: "" \(element <\{\}clientRequestTimeout>\)$/,
    },
    {
      name: 'an acknowledgmentMode the schema does not declare',
      body: envelope(`<ext:sendInvoice>${context()}${invoiceXml({ ack: 'SOMETIMES' })}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: "SOMETIMES" is not a value of the enumeration acknowledgmentMode: NO_ACKNOWLEDGMENT, OPTIONAL_ACKNOWLEDGMENT, REQUIRE_ACKNOWLEDGMENT \(element <\{\}acknowledgmentMode>\)$/,
    },
    {
      name: 'an element inside a string leaf',
      body: envelope(`<ext:sendInvoice>${context()}${invoiceXml({ title: '<b>Acme</b>' })}</ext:sendInvoice>`),
      faultstring: /^Unmarshalling Error: unexpected element \(uri:"", local:"b"\)\. Expected elements are \(none\)$/,
    },
  ];
  for (const { name, body, faultstring } of cases) {
    test(`${name}: HTTP 500, soap:Client "Unmarshalling Error", no invoice`, async () => {
      const before = (await sandbox.control.invoices()).length;
      const answer = await rawSoap(sandbox, body);
      assert.equal(answer.status, 500, answer.text);
      assert.equal(answer.faultcode, 'soap:Client', answer.text);
      assert.match(answer.faultstring ?? '', faultstring);
      assert.match(answer.text, /^<\?xml version="1\.0" encoding="UTF-8"\?><soap:Envelope xmlns:soap="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><soap:Body><soap:Fault>/, 'a SOAP 1.1 Fault');
      assert.equal((await sandbox.control.invoices()).length, before, 'no invoice was created');
    });
  }

  test('a non-numeric invoiceVersion fails getPaymentStatus the same way', async () => {
    const ref = await sendInvoice(sandbox);
    const answer = await rawSoap(sandbox, envelope(`<ext:getPaymentStatus>${context()}<invoiceReference>${ref}</invoiceReference><invoiceVersion>abc</invoiceVersion></ext:getPaymentStatus>`));
    assert.deepEqual([answer.status, answer.faultcode, answer.faultstring], [500, 'soap:Client', 'Unmarshalling Error: Not a number: abc (element <{}invoiceVersion>)']);
    // The good one still answers.
    assert.equal((await status(sandbox, ref)).field('status'), 'ISSUED');
  });

  test('a DTD is refused and its entities never expanded', async () => {
    const before = (await sandbox.control.invoices()).length;
    const body = `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY secret SYSTEM "file:///etc/hostname">]>${envelope(`<ext:sendInvoice>${context()}${invoiceXml({ title: '&secret;' })}</ext:sendInvoice>`)}`;
    const answer = await rawSoap(sandbox, body);
    assert.deepEqual([answer.status, answer.faultcode], [500, 'soap:Client']);
    assert.match(answer.faultstring ?? '', /DOCTYPE/);
    assert.equal((await sandbox.control.invoices()).length, before);
  });

  test('JAXB is lenient where CXF was: any child order, whitespace, comments, CDATA, attributes, signs, empty decimals, a plain date', async () => {
    const reversedContext =
      '<context>\n  <password>demo-password</password>\n  <initiatorPrincipalId><type>TERMINALID</type><id>demo-webshop</id></initiatorPrincipalId>\n  <!-- a comment -->\n  <clientRequestTimeout> +0 </clientRequestTimeout>\n  <clientId xml:lang="en">tests</clientId>\n</context>';
    const invoice = invoiceXml({ title: '<![CDATA[Acme & <Co>]]>' })
      .replace('<invoice>', '<invoice><issueDate>2026-12-01</issueDate>')
      .replace('<itemQuantity>1</itemQuantity>', '<itemQuantity> 1 </itemQuantity><itemTaxRate/>');
    const answer = await soapCall(sandbox, 'sendInvoice', `\n${invoice}\n${reversedContext}\n`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.code, 0);
    const stored = await sandbox.control.invoice(answer.field('invoiceReference') ?? '');
    assert.equal(stored.title, 'Acme & <Co>');
  });
});

describe("the wallet operations of SEQR's port type", () => {
  const wallet = [
    ['changePrincipalPassword', '<principalId><id>demo-webshop</id><type>TERMINALID</type></principalId><newPassword>n3w-pass</newPassword>'],
    ['confirmCustomerRegistration', '<principalId><id>4670000001</id><type>MSISDN</type></principalId><secondaryPrincipalId><id>x</id></secondaryPrincipalId><registrationReference>r1</registrationReference>'],
    ['requestPrincipalInformation', '<principalId><id>4670000001</id><type>MSISDN</type></principalId>'],
    ['requestPurchase', '<senderPrincipalId><id>a</id></senderPrincipalId><receiverPrincipalId><id>b</id></receiverPrincipalId><senderAccountSpecifier><accountId>1</accountId><accountTypeId>CASH</accountTypeId></senderAccountSpecifier><purchaseOrder><productSpecifier><productId>p</productId><productIdType>SKU</productIdType></productSpecifier><purchaseCount>2</purchaseCount></purchaseOrder><purchaseOrder><purchaseCount>1</purchaseCount></purchaseOrder>'],
    ['requestTopup', '<senderPrincipalId><id>a</id></senderPrincipalId><topupPrincipalId><id>b</id></topupPrincipalId><topupAccountSpecifier><accountId>1</accountId></topupAccountSpecifier><productId>TOPUP</productId><amount><currency>SEK</currency><value>100.00</value></amount>'],
    ['requestTransfer', '<senderPrincipalId><id>a</id></senderPrincipalId><receiverPrincipalId><id>b</id></receiverPrincipalId><receiverAccountSpecifier><accountId>2</accountId></receiverAccountSpecifier><productId>P2P</productId><amount><currency>SEK</currency><value>5</value></amount>'],
  ] as const;
  const reseller = (id: string, userId?: string, password = 'demo-reseller-password') =>
    `<context><clientRequestTimeout>0</clientRequestTimeout><initiatorPrincipalId><id>${id}</id><type>RESELLERUSER</type>${userId === undefined ? '' : `<userId>${userId}</userId>`}</initiatorPrincipalId><password>${password}</password></context>`;

  test('authenticated first (29, 20, 37), then 91 UNSUPPORTED_OPERATION; a result code, never a Fault', async () => {
    const before = await sandbox.control.invoices();
    for (const [operation, fields] of wallet) {
      const asTerminal = await soapCall(sandbox, operation, context() + fields);
      assert.deepEqual([asTerminal.status, asTerminal.code, asTerminal.field('resultDescription')], [200, 91, 'UNSUPPORTED_OPERATION'], `${operation}: ${asTerminal.text}`);
      assert.match(asTerminal.text, new RegExp(`<ns2:${operation}Response xmlns:ns2="${SEQR_NS.replace(/[./]/g, '\\$&')}"><return><resultCode>91</resultCode>`));
      assert.doesNotMatch(asTerminal.text, /Fault/);
      assert.equal((await soapCall(sandbox, operation, reseller('demo-reseller', '9900') + fields)).code, 91, operation);
      assert.equal((await soapCall(sandbox, operation, context('demo-webshop', 'wrong') + fields)).code, 20, operation);
      assert.equal((await soapCall(sandbox, operation, context('no-such-terminal') + fields)).code, 29, operation);
      assert.equal((await soapCall(sandbox, operation, reseller('demo-reseller', '1') + fields)).code, 37, operation);
      assert.equal((await soapCall(sandbox, operation, fields)).code, 29, `${operation} without a context`);
    }
    // Nothing changed: the terminal's password is what it was, no invoice appeared.
    assert.equal((await soapCall(sandbox, 'cancelInvoice', `${context()}<invoiceReference>1</invoiceReference>`)).code, 54);
    assert.equal((await sandbox.control.invoices()).length, before.length);
    assert.match(sandbox.output(), /\[soap\] requestTopup TERMINALID demo-webshop → 91 UNSUPPORTED_OPERATION/);
  });

  test('benchmarkingNop has no fields and always succeeds; a field in it is an unmarshalling error', async () => {
    const ok = await soapCall(sandbox, 'benchmarkingNop', '');
    assert.deepEqual([ok.status, ok.code, ok.field('resultDescription')], [200, 0, 'SUCCESS'], ok.text);
    const withContext = await rawSoap(sandbox, envelope(`<ext:benchmarkingNop>${context()}</ext:benchmarkingNop>`));
    assert.deepEqual([withContext.status, withContext.faultcode, withContext.faultstring], [500, 'soap:Client', 'Unmarshalling Error: unexpected element (uri:"", local:"context"). Expected elements are (none)']);
  });

  test('a node-soap client built from the served WSDL calls them and reads the typed answers', async () => {
    const client = await soap.createClientAsync(sandbox.wsdlUrl);
    const ctx = { clientRequestTimeout: 0, initiatorPrincipalId: { id: 'demo-webshop', type: 'TERMINALID' }, password: 'demo-password' };
    const [topup] = await client.requestTopupAsync({ context: ctx, productId: 'TOPUP', amount: { currency: 'SEK', value: '10.00' } });
    assert.deepEqual([Number(topup.return.resultCode), topup.return.resultDescription], [91, 'UNSUPPORTED_OPERATION']);
    const [nop] = await client.benchmarkingNopAsync({});
    assert.equal(Number(nop.return.resultCode), 0);
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    assert.deepEqual(Object.keys(description), ['ERSWSExternalClientServiceService']);
    assert.deepEqual(Object.keys(description.ERSWSExternalClientServiceService!), ['ERSWSExternalClientServicePort']);
    assert.equal(Object.keys(description.ERSWSExternalClientServiceService!.ERSWSExternalClientServicePort!).length, 19);
  });
});

describe('RESELLERUSER principals: "resellerId/userId" or a separate userId', () => {
  const reseller = (id: string, userId?: string, password = '1234') =>
    `<context><clientRequestTimeout>0</clientRequestTimeout><initiatorPrincipalId><id>${id}</id><type>RESELLERUSER</type>${userId === undefined ? '' : `<userId>${userId}</userId>`}</initiatorPrincipalId><password>${password}</password></context>`;
  const parameters = (entries: Record<string, string>) =>
    `<parameters><parameter>${Object.entries(entries).map(([key, value]) => `<entry><key>${key}</key><value>${value}</value></entry>`).join('')}</parameter></parameters>`;

  test('both forms mark a period, fetch its report and register a terminal; a wrong user or password is refused', async () => {
    for (const ctx of [reseller('public_test_shop/9900'), reseller('public_test_shop', '9900'), reseller('public_test_shop/9900', '9900')]) {
      const marked = await soapCall(sandbox, 'markTransactionPeriod', ctx + parameters({ TERMINALID: 'public_test_shop_terminal' }));
      assert.equal(marked.code, 0, `${ctx}: ${marked.text}`);
      const period = marked.field('transactionPeriodId') ?? '';
      assert.match(period, /^\d{25}$/);
      await sleep(1100); // reportDelayS 1
      const report = await soapCall(sandbox, 'executeReport', `${ctx}<reportId>Reconciliation/STD_RECON_007.xml</reportId><language>en</language>${parameters({ transactionPeriodId: period })}`);
      assert.equal(report.code, 0, report.text);
      assert.match(report.field('contentString') ?? '', /&lt;ResellerId&gt;public_test_shop&lt;\/ResellerId&gt;&lt;TerminalId&gt;public_test_shop_terminal&lt;/);
      const registered = await soapCall(sandbox, 'registerTerminal', `${ctx}<externalTerminalId>till ${period}</externalTerminalId><password>Qx7pL2mVw9sKd3a</password><name>Till</name>`);
      assert.equal(registered.code, 0, registered.text);
      assert.match(registered.field('terminalId') ?? '', /^[0-9a-f]{32}$/);
    }
    const mark = (ctx: string) => soapCall(sandbox, 'markTransactionPeriod', ctx).then((a) => a.code);
    assert.equal(await mark(reseller('public_test_shop/9901')), 37, 'unknown user in the id');
    assert.equal(await mark(reseller('public_test_shop/9900', '9901')), 37, 'the two forms disagree');
    assert.equal(await mark(reseller('no_such_shop/9900')), 37);
    assert.equal(await mark(reseller('public_test_shop/9900', undefined, 'wrong')), 20);
    assert.equal(await mark(reseller('public_test_shop')), 37, 'no user at all');
  });
});

describe('the wallet simulator', () => {
  test('shows the bill; Pay redirects 303 to backURL; a final invoice has no buttons', async () => {
    const ref = await sendInvoice(sandbox, { backURL: 'http://localhost:3000/orders/abc/done?x=1&amp;y=2', title: 'Nordvik' });
    const pageResponse = await fetch(`${sandbox.url}/app/R${ref}`);
    assert.equal(pageResponse.status, 200);
    assert.match(pageResponse.headers.get('content-type') ?? '', /text\/html/);
    const html = await pageResponse.text();
    assert.match(html, /<meta name="viewport"/);
    assert.match(html, /<h1>Nordvik<\/h1>/);
    assert.match(html, /T-shirt, blue<\/td><td class="num">2<\/td><td class="num">398\.00 SEK/);
    assert.match(html, /Shipping/);
    assert.match(html, /Total 447\.00 SEK/);
    assert.match(html, /data-testid="status">ISSUED</);
    for (const action of ['scan', 'pay', 'cancel', 'fail']) assert.match(html, new RegExp(`action="/app/R${ref}/${action}"`));
    assert.doesNotMatch(html, /<script|https?:\/\/(?!localhost)/, 'no JS, no external assets');

    const paid = await fetch(`${sandbox.url}/app/R${ref}/pay`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    assert.equal(paid.status, 303);
    assert.equal(paid.headers.get('location'), 'http://localhost:3000/orders/abc/done?x=1&y=2');
    await status(sandbox, ref);
    const finalHtml = await (await fetch(`${sandbox.url}/sandbox/app/R${ref}`)).text();
    assert.match(finalHtml, /data-testid="status">PAID</);
    assert.doesNotMatch(finalHtml, /<button/);
    const again = await fetch(`${sandbox.url}/app/R${ref}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(again.status, 409);

    const noBack = await sendInvoice(sandbox);
    const scanned = await fetch(`${sandbox.url}/sandbox/app/R${noBack}/scan`, { method: 'POST', redirect: 'manual' });
    assert.equal(scanned.status, 303);
    assert.equal(scanned.headers.get('location'), `/sandbox/app/R${noBack}`);
    const canceled = await fetch(`${sandbox.url}/app/R${noBack}/cancel`, { method: 'POST', redirect: 'manual' });
    assert.equal(canceled.headers.get('location'), `/app/R${noBack}`);
    assert.match(await (await fetch(`${sandbox.url}/app/R${noBack}`)).text(), /data-testid="status">CANCELED</);
    assert.equal((await fetch(`${sandbox.url}/app/R999`)).status, 404);
  });

  test("a backURL with an app's own scheme is accepted; after Pay the wallet shows the return to the app as a link", async () => {
    const ref = await sendInvoice(sandbox, { backURL: 'myshopapp://order/42/done?x=1&amp;y=2' });
    const paid = await fetch(`${sandbox.url}/app/R${ref}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(paid.status, 200, 'no redirect to a scheme this machine cannot open');
    const html = await paid.text();
    assert.match(html, /data-testid="status">PAID</);
    assert.match(html, /<a href="myshopapp:\/\/order\/42\/done\?x=1&amp;y=2"><code data-testid="return-url">myshopapp:\/\/order\/42\/done\?x=1&amp;y=2<\/code><\/a>/);
    assert.equal((await status(sandbox, ref)).field('status'), 'PAID');
    // A scheme that would run code in the tester's page is shown, never linked.
    const script = await sendInvoice(sandbox, { backURL: 'javascript:alert(1)' });
    const shown = await (await fetch(`${sandbox.url}/app/R${script}/cancel`, { method: 'POST', redirect: 'manual' })).text();
    assert.match(shown, /returns to <code data-testid="return-url">javascript:alert\(1\)<\/code>/);
    assert.doesNotMatch(shown, /href="javascript:/);
    // Still refused: a relative backURL, and a notificationUrl that is not http(s).
    assert.equal((await soapCall(sandbox, 'sendInvoice', context() + invoiceXml({ backURL: 'order/42' }))).code, 64);
    assert.equal((await soapCall(sandbox, 'sendInvoice', context() + invoiceXml({ notificationUrl: 'myshopapp://notify' }))).code, 64);
  });

  test('a missing acknowledgmentMode behaves as REQUIRE_ACKNOWLEDGMENT: scan → PENDING, pay refused until updateInvoice', async () => {
    const ref = await sendInvoice(sandbox, { ack: null });
    assert.equal((await sandbox.control.scan(ref)).status, 'PENDING_ISSUER_ACKNOWLEDGE');
    await assert.rejects(sandbox.control.pay(ref), (error: { status?: number; body?: { error?: string } }) => error.status === 409 && /acknowledge/.test(error.body?.error ?? ''));
    assert.equal((await soapCall(sandbox, 'cancelInvoice', `${context()}<invoiceReference>${ref}</invoiceReference>`)).code, 51);
    const update = await soapCall(sandbox, 'updateInvoice', `${context()}<invoiceReference>${ref}</invoiceReference>${invoiceXml({ total: '402.30' })}`);
    assert.equal(update.code, 0);
    const paid = await sandbox.control.pay(ref);
    assert.equal(paid.status, 'PAID');
    assert.deepEqual(paid.totalAmount, { currency: 'SEK', value: '402.30' });
    assert.equal(paid.version, 4, 'ISSUED 1 → PENDING 2 → ISSUED 3 → PAID 4');
    await status(sandbox, ref);
  });
});

describe('the control API', () => {
  test('lists oldest first with a status filter; 404, 409 and 400 answer with sentences', async () => {
    const a = await sendInvoice(sandbox);
    const b = await sendInvoice(sandbox);
    const all = await sandbox.control.invoices();
    assert.ok(all.findIndex((i) => i.invoiceReference === a) < all.findIndex((i) => i.invoiceReference === b));
    const issued = await sandbox.control.invoices('ISSUED');
    assert.ok(issued.every((i) => i.status === 'ISSUED'));
    assert.ok(issued.some((i) => i.invoiceReference === b));

    const detail = await sandbox.control.invoice(a);
    for (const key of ['invoiceReference', 'status', 'version', 'totalAmount', 'backURL', 'notificationUrl', 'ersReference', 'confirmed', 'reversed', 'notifications', 'refunds', 'receipts', 'history', 'rows', 'terminalId', 'createdAt']) {
      assert.ok(key in detail, key);
    }
    assert.deepEqual(detail.totalAmount, { currency: 'SEK', value: '447.00' });

    const missing = await fetch(`${sandbox.url}/sandbox/invoices/1234`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /no invoice with reference 1234\./);
    await sandbox.control.cancel(a);
    const conflict = await fetch(`${sandbox.url}/sandbox/invoices/${a}/pay`, { method: 'POST' });
    assert.equal(conflict.status, 409);
    assert.match(((await conflict.json()) as { error: string }).error, /CANCELED, which is final/);
    const badFilter = await fetch(`${sandbox.url}/sandbox/invoices?status=DONE`);
    assert.equal(badFilter.status, 400);
    assert.match(((await badFilter.json()) as { error: string }).error, /Unknown status "DONE"/);
    assert.equal((await fetch(`${sandbox.url}/sandbox/invoices/${b}/dance`, { method: 'POST' })).status, 404);

    const page = await (await fetch(`${sandbox.url}/sandbox`)).text();
    assert.match(page, new RegExp(`${a}</a> <span class="status status-CANCELED">`));
    assert.match(page, /SOAP sendInvoice → 0/);
  });
});

describe('persistence across restarts', () => {
  test('a confirmed payment survives with its refund guard; an unconfirmed one whose window passed while down is reversed at startup', async () => {
    const kept = await sendInvoice(sandbox);
    await sandbox.control.pay(kept);
    const paid = await status(sandbox, kept);
    const ersReference = paid.field('ersReference') ?? '';
    const refund = (value: string) =>
      soapCall(sandbox, 'refundPayment', `${context()}<ersReference>${ersReference}</ersReference><invoice><totalAmount><currency>SEK</currency><value>${value}</value></totalAmount></invoice>`);
    assert.equal((await refund('400.00')).code, 0);
    const pending = await sendInvoice(sandbox);
    await sandbox.control.pay(pending);

    await sandbox.restart({ downForMs: 2200 });
    const survived = await sandbox.control.invoice(kept);
    assert.equal(survived.status, 'PAID');
    assert.equal(survived.confirmed, true);
    assert.equal(survived.refunds.length, 1);
    assert.equal((await refund('47.01')).code, 98, 'the sum guard remembers the earlier refund');
    assert.equal((await refund('47.00')).code, 0);
    assert.equal((await status(sandbox, kept)).field('status'), 'PAID');

    const reversed = await sandbox.control.invoice(pending);
    assert.equal(reversed.status, 'CANCELED');
    assert.equal(reversed.reversed, true);
  });
});

describe('invoice lifetime', () => {
  let short: SandboxProcess;
  let legacy: SandboxProcess;
  before(async () => {
    [short, legacy] = await Promise.all([startSandboxProcess({ ttlS: 1, env: { SEQR_SANDBOX_API_MODE: '2.10' } }), startSandboxProcess({ ttlS: 1 })]);
  });
  after(() => Promise.all([short?.stop(), legacy?.stop()]));

  test('an unpaid invoice is CANCELED after the TTL by default (2.6, the published WSDL), or EXPIRES in 2.10 mode', async () => {
    const ref = await sendInvoice(short);
    const old = await sendInvoice(legacy);
    await sleep(1500);
    const expired = await short.control.invoice(ref);
    assert.equal(expired.status, 'EXPIRED');
    assert.equal(expired.version, 2);
    assert.equal((await status(short, ref)).field('status'), 'EXPIRED');
    assert.equal((await soapCall(short, 'cancelInvoice', `${context()}<invoiceReference>${ref}</invoiceReference>`)).code, 58);
    assert.equal((await legacy.control.invoice(old)).status, 'CANCELED');
    assert.equal((await status(legacy, old)).field('status'), 'CANCELED');
    // The served WSDLs: SEQR's published six statuses, in its order; EXPIRED only in 2.10 mode.
    const statuses = async (s: SandboxProcess) => [...(await (await fetch(s.wsdlUrl)).text()).matchAll(/<xs:enumeration value="([A-Z_]+)"\/>/g)].map((m) => m[1]).filter((v) => ['ISSUED', 'PAID', 'PENDING_ISSUER_ACKNOWLEDGE', 'CANCELED', 'FAILED', 'RESERVED', 'EXPIRED'].includes(v!));
    assert.deepEqual(await statuses(legacy), ['ISSUED', 'PAID', 'PENDING_ISSUER_ACKNOWLEDGE', 'CANCELED', 'FAILED', 'RESERVED']);
    assert.deepEqual(await statuses(short), ['ISSUED', 'PAID', 'PENDING_ISSUER_ACKNOWLEDGE', 'CANCELED', 'FAILED', 'RESERVED', 'EXPIRED']);
    assert.equal((await soapCall(legacy, 'cancelInvoice', `${context()}<invoiceReference>${old}</invoiceReference>`)).code, 95, 'already cancelled: no 58 in 2.6 mode');
    await assert.rejects(short.control.pay(ref), { status: 409 });
  });
});
