// A Java client generated from SEQR's WSDL works against the WSDL the sandbox serves: wsimport
// (JAX-WS RI, Debian's jaxws package) generates the classes from lib/seqr/merchant.wsdl, our
// client (tests/interop/java) constructs the generated service with the SERVED WSDL URL, which
// makes JAX-WS fetch it and insist that the generated service's QName is declared there (what
// failed while the served WSDL said ERSWSExternalClientServiceImplService), then pays an invoice.
// The same generated classes, unmarshalled by JAXB RI, are the oracle for the sandbox's CXF-style
// request checks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const WSDL = path.join(ROOT, 'lib', 'seqr', 'merchant.wsdl');
const CLIENT = path.join(ROOT, 'tests', 'interop', 'java', 'SeqrJaxwsClient.java');
const ORACLE = path.join(ROOT, 'tests', 'interop', 'java', 'JaxbUnmarshal.java');
const SEQR_NS = 'http://external.interfaces.ers.seamless.com/';
const INSTALL = 'Install JAX-WS RI and a JDK with: apt-get install jaxws default-jdk-headless (npm test does it when run as root)';
// jaxws-rt.jar's manifest names the rest of JAX-WS RI; JAXB also needs javax.activation on Java 17.
const RUNTIME = ['/usr/share/jaxws/lib/jaxws-rt.jar', '/usr/share/java/javax.activation.jar'];

let sandbox: SandboxProcess;
let work: string;
let classpath: string;

async function tool(command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  try {
    const { stdout } = await run(command, args, { ...options, timeout: 120_000, maxBuffer: 20 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') assert.fail(`${command} was not found. ${INSTALL}.`);
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Runs our Java client; its last stdout line is JSON. */
async function java(wsdlUrl: string, ...args: string[]): Promise<Record<string, unknown>> {
  const stdout = await tool('java', ['-cp', classpath, 'SeqrJaxwsClient', wsdlUrl, 'demo-webshop', 'demo-password', ...args]);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

before(async () => {
  for (const jar of RUNTIME) if (!fs.existsSync(jar)) assert.fail(`${jar} is missing. ${INSTALL}.`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-jaxws-'));
  const src = path.join(work, 'src');
  const classes = path.join(work, 'classes');
  fs.mkdirSync(src);
  fs.mkdirSync(classes);
  [sandbox] = await Promise.all([
    startSandboxProcess(),
    tool('wsimport', ['-quiet', '-keep', '-Xnocompile', '-s', src, '-d', classes, WSDL]),
  ]);
  const sources = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.java')).map((file) => path.join(src, file));
  await tool('javac', ['-nowarn', '-encoding', 'UTF-8', '-cp', RUNTIME.join(':'), '-d', classes, ...sources, CLIENT, ORACLE]);
  classpath = [classes, ...RUNTIME].join(':');
});
after(async () => {
  await sandbox?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("wsimport generates SEQR's service, port and 19 operations from the bundled WSDL", () => {
  const pkg = path.join(work, 'src', 'com', 'seamless', 'ers', 'interfaces', 'external');
  const service = fs.readFileSync(path.join(pkg, 'ERSWSExternalClientServiceService.java'), 'utf8');
  assert.match(service, /@WebServiceClient\(name = "ERSWSExternalClientServiceService", targetNamespace = "http:\/\/external\.interfaces\.ers\.seamless\.com\/"/);
  assert.match(service, /@WebEndpoint\(name = "ERSWSExternalClientServicePort"\)/);
  const portType = fs.readFileSync(path.join(pkg, 'ERSWSExternalClientService.java'), 'utf8');
  assert.equal([...portType.matchAll(/@WebMethod\b/g)].length, 19);
});

test('the generated client, built on the served WSDL, sends an invoice and sees it PAID', async () => {
  const sent = await java(sandbox.wsdlUrl, 'send');
  assert.equal(sent.resultCode, 0, JSON.stringify(sent));
  assert.equal(sent.resultDescription, 'SUCCESS');
  const ref = String(sent.invoiceReference);
  assert.match(ref, /^\d{13}$/);
  assert.equal(sent.invoiceQRCode, `HTTP://SEQR.SE/R${ref}`);

  // The sandbox stored what JAXB marshalled.
  const stored = await sandbox.control.invoice(ref);
  assert.equal(stored.status, 'ISSUED');
  assert.equal(stored.title, 'Java shop');
  assert.equal(stored.clientInvoiceId, 'java-1');
  assert.deepEqual(stored.totalAmount, { currency: 'SEK', value: '129.00' });
  assert.equal(stored.rows.length, 1);

  assert.deepEqual(await java(sandbox.wsdlUrl, 'status', ref), {
    resultCode: 0, status: 'ISSUED', version: 1, ersReference: null, paymentReference: null, receiptTotal: null,
  });
  await sandbox.control.pay(ref);
  const paid = await java(sandbox.wsdlUrl, 'status', ref);
  assert.equal(paid.resultCode, 0);
  assert.equal(paid.status, 'PAID');
  assert.equal(paid.version, 2);
  assert.match(String(paid.ersReference), /^\d{25}$/);
  assert.equal(paid.paymentReference, paid.ersReference);
  assert.equal(paid.receiptTotal, '129.00');
  assert.equal((await sandbox.control.invoice(ref)).confirmed, true, 'the status call confirmed the payment');
});

test('the same client refuses a served WSDL whose service has another name (the check is real)', async () => {
  const served = await (await fetch(sandbox.wsdlUrl)).text();
  const renamed = served.replace(/ERSWSExternalClientServiceService/g, 'ERSWSExternalClientServiceImplService');
  assert.notEqual(renamed, served);
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(renamed));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/soap/merchant/cashregister-2?wsdl`;
    await assert.rejects(java(url, 'send'), /is not a valid service/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

// Request contents (inside the wrapper) for the oracle: JAXB RI's verdict, with CXF's reject-all
// event handler, against the sandbox's answer to the same request over HTTP.
const CONTEXT = '<context><clientRequestTimeout>0</clientRequestTimeout><initiatorPrincipalId><id>demo-webshop</id><type>TERMINALID</type></initiatorPrincipalId><password>demo-password</password></context>';
const total = (value: string) => `<invoice><totalAmount><currency>SEK</currency><value>${value}</value></totalAmount></invoice>`;
const issued = (value: string) => `<invoice><issueDate>${value}</issueDate><totalAmount><currency>SEK</currency><value>1.00</value></totalAmount></invoice>`;
const ORACLE_CASES: [operation: string, content: string][] = [
  ['sendInvoice', CONTEXT + total('10.00')],
  ['sendInvoice', `${total('10.00').replace('<invoice>', '<invoice><title>t</title><paymentMode>IMMEDIATE_DEBIT</paymentMode>')}${CONTEXT}`],
  ['sendInvoice', `<ext:context xmlns:ext="${SEQR_NS}"/>`],
  ['sendInvoice', `<context xmlns="${SEQR_NS}"/>`],
  ['sendInvoice', '<invoice><discountCode>x</discountCode></invoice>'],
  ['sendInvoice', '<invoice><invoiceRows><invoiceRow><itemColour>red</itemColour></invoiceRow></invoiceRows></invoice>'],
  ['sendInvoice', '<invoice><title><b>Acme</b></title></invoice>'],
  ['sendInvoice', '<tokens><status>abc</status></tokens>'],
  ['sendInvoice', '<tokens><status>5.0</status></tokens>'],
  ['sendInvoice', '<tokens><status></status></tokens>'],
  ['sendInvoice', '<tokens><status> +5 </status></tokens>'],
  ['sendInvoice', '<context><clientRequestTimeout>soon</clientRequestTimeout></context>'],
  ['sendInvoice', '<context><clientRequestTimeout/></context>'],
  ['sendInvoice', '<context><clientRequestTimeout>99999999999999999999</clientRequestTimeout></context>'],
  ['sendInvoice', '<invoice><commitReservationTimeout></commitReservationTimeout></invoice>'],
  ['sendInvoice', total('abc')],
  ['sendInvoice', total('1,00')],
  ['sendInvoice', total('1.0.0')],
  ['sendInvoice', total('-')],
  ['sendInvoice', total('')],
  ['sendInvoice', total(' 1.00 ')],
  ['sendInvoice', total('1e2')],
  ['sendInvoice', '<invoice><invoiceRows><invoiceRow><itemQuantity>two</itemQuantity></invoiceRow></invoiceRows></invoice>'],
  ['sendInvoice', issued('yesterday')],
  ['sendInvoice', issued('2024-13-01T00:00:00')],
  ['sendInvoice', issued('2024-01-01')],
  ['sendInvoice', issued('2024-01-01T10:00:00.123+01:00')],
  ['sendInvoice', issued('')],
  ['sendInvoice', '<invoice foo="1"><title bar="2">a</title><title>b</title><!-- c --><footer xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></invoice>'],
  ['getPaymentStatus', `${CONTEXT}<invoiceReference>1</invoiceReference><invoiceVersion>abc</invoiceVersion>`],
  ['requestPurchase', `${CONTEXT}<purchaseOrder><purchaseCount>x</purchaseCount></purchaseOrder>`],
  ['requestPurchase', `${CONTEXT}<purchaseOrder><productSpecifier><productId>p</productId></productSpecifier><purchaseCount>2</purchaseCount></purchaseOrder><purchaseOrder/>`],
  ['markTransactionPeriod', `${CONTEXT}<parameters><parameter><entry><key>k</key><weight>1</weight></entry></parameter></parameters>`],
  ['benchmarkingNop', CONTEXT],
  ['benchmarkingNop', ''],
];
// Where the sandbox is stricter than JAXB on purpose (issue 11): JAXB nulls an undeclared
// enumeration value and ignores text in a complex element; the sandbox answers both with a Fault.
const STRICTER_THAN_JAXB: [operation: string, content: string][] = [
  ['sendInvoice', '<invoice><acknowledgmentMode>SOMETIMES</acknowledgmentMode></invoice>'],
  ['sendInvoice', '<invoice><totalAmount>447.00</totalAmount></invoice>'],
];

async function jaxbVerdicts(cases: [string, string][]): Promise<string[]> {
  const args = cases.map(([operation, content], i) => {
    const file = path.join(work, `case-${i}.xml`);
    fs.writeFileSync(file, `<ext:${operation} xmlns:ext="${SEQR_NS}">${content}</ext:${operation}>`);
    return `${operation}=${file}`;
  });
  const lines = (await tool('java', ['-cp', classpath, 'JaxbUnmarshal', ...args])).trim().split('\n');
  assert.equal(lines.length, cases.length);
  return lines;
}

async function sandboxAnswer(operation: string, content: string): Promise<{ status: number; faultstring?: string }> {
  const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ext="${SEQR_NS}"><soapenv:Body><ext:${operation}>${content}</ext:${operation}></soapenv:Body></soapenv:Envelope>`;
  const response = await fetch(sandbox.endpointUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body });
  const text = await response.text();
  const faultstring = /<faultstring>([^<]*)<\/faultstring>/.exec(text)?.[1]?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return { status: response.status, faultstring };
}

const expectedSet = (message: string) => new Set(/Expected elements are (.*)$/.exec(message)?.[1]?.split(',') ?? []);

test("the sandbox refuses exactly what JAXB RI refuses, with JAXB's message", async () => {
  const verdicts = await jaxbVerdicts(ORACLE_CASES);
  assert.ok(verdicts.includes('OK') && verdicts.some((v) => v.startsWith('ERROR ')), 'the oracle both accepts and refuses');
  for (const [i, [operation, content]] of ORACLE_CASES.entries()) {
    const verdict = verdicts[i]!;
    const answer = await sandboxAnswer(operation, content);
    const label = `${operation}: ${content}\nJAXB: ${verdict}\nsandbox: ${answer.status} ${answer.faultstring ?? ''}`;
    if (verdict === 'OK') {
      assert.equal(answer.status, 200, label);
      continue;
    }
    const message = verdict.slice('ERROR '.length);
    assert.equal(answer.status, 500, label);
    const faultstring = answer.faultstring ?? '';
    if (message.startsWith('unexpected element')) {
      // Same element and the same expected elements (JAXB lists them in hash order, we in schema order).
      assert.equal(faultstring.split('. Expected')[0], `Unmarshalling Error: ${message.split('. Expected')[0]}`, label);
      assert.deepEqual(expectedSet(faultstring), expectedSet(message), label);
    } else {
      assert.equal(faultstring.replace(/ \(element <\{\}\w+>\)$/, ''), `Unmarshalling Error: ${message}`, label);
      assert.match(faultstring, / \(element <\{\}\w+>\)$/, `names the element: ${label}`);
    }
  }
});

test('the sandbox is stricter than JAXB in exactly two documented ways: undeclared enumeration values and text in complex elements', async () => {
  const verdicts = await jaxbVerdicts(STRICTER_THAN_JAXB);
  assert.deepEqual(verdicts, ['OK', 'OK']);
  for (const [operation, content] of STRICTER_THAN_JAXB) {
    const answer = await sandboxAnswer(operation, content);
    assert.equal(answer.status, 500);
    assert.match(answer.faultstring ?? '', /^Unmarshalling Error: .*\(?element <\{\}(acknowledgmentMode|totalAmount)>\)?$/);
  }
});
