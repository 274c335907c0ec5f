// A Java client generated from SEQR's WSDL works against the WSDL the sandbox serves: wsimport
// (JAX-WS RI, Debian's jaxws package) generates the classes from lib/seqr/merchant.wsdl, our
// client (tests/interop/java) constructs the generated service with the SERVED WSDL URL, which
// makes JAX-WS fetch it and insist that the generated service's QName is declared there (what
// failed while the served WSDL said ERSWSExternalClientServiceImplService), then pays an invoice.
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
  await tool('javac', ['-nowarn', '-encoding', 'UTF-8', '-cp', RUNTIME.join(':'), '-d', classes, ...sources, CLIENT]);
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
