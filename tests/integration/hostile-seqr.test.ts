// The SEQR client against a hostile endpoint on 127.0.0.1: a tiny node:http server in this process
// that drips its answer, stalls after the headers, streams 150 MB, or answers 94 slowly. Every call
// must end within its total deadline (SEQR_TIMEOUT_MS bounds the whole call, however the bytes
// arrive), an oversized answer must be cut off at the cap, and the connection must be closed.
// Timing asserts have generous margins: this runs on a noisy 2-core box.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createSeqrClient, isSeqrResultError, isSeqrTransportError, type SeqrCallRecord, type SeqrClient, type TransportFailure } from '../../lib/seqr';
import { RESPONSE_CAP_BYTES } from '../../lib/seqr/http';

const TIMEOUT_MS = 1500;
const SLACK_MS = 2000;

/** What the server does with one SOAP request; `closed` resolves when the client's connection ends. */
type Behaviour = (res: http.ServerResponse, closed: Promise<void>) => void;

let behaviour: Behaviour = (res) => res.end();
let lastClosed: Promise<void> = Promise.resolve();
let server: http.Server;
let endpointUrl: string;

const envelope = (operation: string, returnXml: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  `<ns2:${operation}Response xmlns:ns2="http://external.interfaces.ers.seamless.com/"><return>${returnXml}</return></ns2:${operation}Response>` +
  '</soap:Body></soap:Envelope>';

const issued = (padding = '') =>
  envelope('getPaymentStatus', `<resultCode>0</resultCode><resultDescription>SUCCESS${padding}</resultDescription><status>ISSUED</status><version>1</version>`);

const xmlHeaders = { 'Content-Type': 'text/xml; charset=utf-8' };

before(async () => {
  server = http.createServer((req, res) => {
    req.resume(); // the request body does not matter here
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    lastClosed = closed;
    behaviour(res, closed);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/soap/merchant/cashregister-2`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function clientFor(overrides: Partial<Parameters<typeof createSeqrClient>[0]> = {}): SeqrClient {
  return createSeqrClient({
    endpointUrl,
    terminal: { id: 'demo-webshop', password: 'demo-password' },
    reseller: { id: 'demo-reseller', userId: '9900', password: 'demo-reseller-password' },
    clientId: 'Nordvik',
    timeoutMs: TIMEOUT_MS,
    readRetries: 0,
    retryDelayMs: 50,
    log: () => {},
    ...overrides,
  });
}

/** Runs the call, expects a transport error of this kind, and returns how long the call took. */
async function failsWith(failure: TransportFailure, run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await assert.rejects(run(), (error: unknown) => {
    assert.ok(isSeqrTransportError(error), String(error));
    assert.equal(error.failure, failure);
    return true;
  });
  return performance.now() - started;
}

/** The client closed its connection (nothing left open or reading after the abort). */
async function connectionClosed(): Promise<void> {
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the client kept the connection open')), 2000).unref());
  await Promise.race([lastClosed, timer]);
}

/** Write `text` one byte every `everyMs` until the client hangs up. */
function drip(res: http.ServerResponse, closed: Promise<void>, text: string, everyMs: number): void {
  res.writeHead(200, xmlHeaders);
  let i = 0;
  const timer = setInterval(() => (i < text.length ? res.write(text[i++]!) : res.end()), everyMs);
  void closed.then(() => clearInterval(timer));
}

describe('a hostile SEQR endpoint', () => {
  test('control: a prompt, valid answer from this server parses', async () => {
    behaviour = (res) => res.writeHead(200, xmlHeaders).end(issued());
    assert.equal((await clientFor().getPaymentStatus('1700000000001')).status, 'ISSUED');
  });

  test('the same answer dripped one byte every 300 ms ends as a timeout within the deadline', async () => {
    behaviour = (res, closed) => drip(res, closed, issued(), 300);
    const elapsed = await failsWith('timeout', () => clientFor().sendInvoice({ title: 'Nordvik', totalOre: 100, rows: [] }));
    assert.ok(elapsed < TIMEOUT_MS + SLACK_MS, `took ${Math.round(elapsed)} ms`);
    assert.ok(elapsed >= TIMEOUT_MS - 100, `gave up early, after ${Math.round(elapsed)} ms`);
    await connectionClosed();
  });

  test('headers, then silence forever: a timeout within the deadline; a per-call timeoutMs overrides the client', async () => {
    behaviour = (res) => res.writeHead(200, xmlHeaders).flushHeaders();
    const elapsed = await failsWith('timeout', () => clientFor().getPaymentStatus('1700000000001'));
    assert.ok(elapsed < TIMEOUT_MS + SLACK_MS, `took ${Math.round(elapsed)} ms`);
    await connectionClosed();

    const overridden = await failsWith('timeout', () => clientFor({ timeoutMs: 60_000 }).getPaymentStatus('1700000000001', 0, { timeoutMs: 500 }));
    assert.ok(overridden < 500 + SLACK_MS, `took ${Math.round(overridden)} ms`);
    await connectionClosed();
  });

  test('a 150 MB answer is cut off at the cap, quickly, without buffering it', async () => {
    const total = 150 * 1024 * 1024;
    let written = 0;
    behaviour = (res, closed) => {
      // Generated from one reused chunk, never allocated whole; written as fast as the client reads.
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let open = true;
      void closed.then(() => (open = false));
      res.writeHead(200, { ...xmlHeaders, 'Content-Length': String(total) });
      const pump = () => {
        while (open && written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (open) res.end();
      };
      pump();
    };
    const rssBefore = process.memoryUsage().rss;
    let attempts = 0;
    const elapsed = await failsWith('too-large', () => clientFor({ timeoutMs: 30_000, readRetries: 2 }).getPaymentStatus('1700000000001', 0, { onCall: () => attempts++ }));
    await connectionClosed();
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(elapsed < 5000, `took ${Math.round(elapsed)} ms`);
    assert.ok(grownMb < 40, `rss grew by ${grownMb.toFixed(1)} MB`);
    assert.ok(written < 40 * 1024 * 1024, `the server got to write ${written} bytes`);
    assert.equal(attempts, 1, 'an answer too large once is not asked for again');
  });

  test('the cap: 2 MiB is too large for getPaymentStatus, fine for executeReport', async () => {
    const padding = 'x'.repeat(2 * RESPONSE_CAP_BYTES);
    behaviour = (res) => res.writeHead(200, xmlHeaders).end(issued(padding));
    await failsWith('too-large', () => clientFor().getPaymentStatus('1700000000001'));

    behaviour = (res) =>
      res.writeHead(200, xmlHeaders).end(envelope('executeReport', `<resultCode>0</resultCode><report><title>Day</title><mimeType>text/plain</mimeType><contentString>${padding}</contentString></report>`));
    const report = await clientFor().executeReport({ reportId: 'Reconciliation/STD_RECON_003.xml', language: 'en', transactionPeriodId: '1' });
    assert.equal(report.contentString.length, padding.length);
  });

  test('getPaymentStatus with retries: a stalled SEQR costs one deadline, not one per attempt', async () => {
    behaviour = (res) => res.writeHead(200, xmlHeaders).flushHeaders();
    const calls: SeqrCallRecord[] = [];
    const elapsed = await failsWith('timeout', () => clientFor({ readRetries: 2 }).getPaymentStatus('1700000000001', 0, { onCall: (c) => calls.push(c) }));
    assert.ok(elapsed < TIMEOUT_MS + SLACK_MS, `took ${Math.round(elapsed)} ms`);
    assert.equal(calls.length, 1, 'the timed-out attempt spent the budget');
  });

  test('getPaymentStatus with retries: 94 answered slowly is retried only within the one budget', async () => {
    // Three attempts of 600 ms each would take ~1.9 s; the budget is 1.5 s for all of them.
    behaviour = (res) => {
      const timer = setTimeout(() => res.writeHead(200, xmlHeaders).end(envelope('getPaymentStatus', '<resultCode>94</resultCode><status>ISSUED</status><version>1</version>')), 600);
      res.once('close', () => clearTimeout(timer));
    };
    const calls: SeqrCallRecord[] = [];
    const started = performance.now();
    await assert.rejects(clientFor({ readRetries: 2 }).getPaymentStatus('1700000000001', 0, { onCall: (c) => calls.push(c) }), (error: unknown) => {
      assert.ok(isSeqrResultError(error) || isSeqrTransportError(error), String(error));
      return true;
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < TIMEOUT_MS + SLACK_MS, `took ${Math.round(elapsed)} ms`);
    assert.ok(calls.length >= 2, 'a fast enough refusal is still retried');
    assert.ok(calls.length < 3, 'no attempt starts once too little of the budget is left');
  });
});
