// The sandbox is durable before answering: the real sandbox process, under concurrent load over
// HTTP (sendInvoice, the wallet paying, the confirming getPaymentStatus, refunds, receipts), is
// killed with SIGKILL at seeded random moments and started again on the same DATA_DIR; everything
// it acknowledged must still be there afterwards — and a confirmed payment must not be reversed
// by the 20-second rule once the window has passed. Also: a save that fails is answered with an
// error, never acknowledged. Set DURABILITY_SEED to replay a run's kill moments and choices.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startSandboxProcess, type SandboxInvoice, type SandboxProcess } from '../helpers/sandbox';

const SEED = process.env.DURABILITY_SEED ? Number(process.env.DURABILITY_SEED) : randomInt(2 ** 31);
const KILLS = 6;
const WORKERS = 6;
const CONFIRM_WINDOW_S = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: small, seedable, good enough to pick moments and actions. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { chance: (p: number) => next() < p, range: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

const CONTEXT = '<context><clientId>durability</clientId><initiatorPrincipalId><id>demo-webshop</id><type>TERMINALID</type></initiatorPrincipalId><password>demo-password</password></context>';

async function soap(sandbox: SandboxProcess, operation: string, inner: string): Promise<{ status: number; text: string; field(name: string): string | undefined }> {
  const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ext="http://external.interfaces.ers.seamless.com/"><soapenv:Body><ext:${operation}>${CONTEXT}${inner}</ext:${operation}></soapenv:Body></soapenv:Envelope>`;
  const response = await fetch(sandbox.endpointUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, text, field: (name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1] };
}

const invoiceXml = (id: string) =>
  `<invoice><acknowledgmentMode>NO_ACKNOWLEDGMENT</acknowledgmentMode><title>Durability ${id}</title><clientInvoiceId>${id}</clientInvoiceId>` +
  '<invoiceRows><invoiceRow><itemDescription>Mug</itemDescription><itemQuantity>1</itemQuantity><itemTotalAmount><currency>SEK</currency><value>120.00</value></itemTotalAmount></invoiceRow></invoiceRows>' +
  '<totalAmount><currency>SEK</currency><value>120.00</value></totalAmount></invoice>';

/** What the sandbox acknowledged for one invoice: only answers that reached us count. */
interface Acknowledged {
  invoiceReference: string;
  /** The wallet's pay answered 200 PAID with this payment reference. */
  ersReference?: string;
  /** A getPaymentStatus answered PAID: the merchant's confirmation (§2.3). */
  confirmed: boolean;
  refunds: string[];
  receipts: string[];
}

test(`SIGKILL under load ${KILLS} times: every acknowledged invoice, payment, confirmation, refund and receipt survives (seed ${SEED})`, { timeout: 180_000 }, async (t) => {
  t.diagnostic(`DURABILITY_SEED=${SEED}`);
  console.log(`[durability] seed ${SEED} (set DURABILITY_SEED=${SEED} to replay the kill moments and choices)`);
  const sandbox = await startSandboxProcess({ confirmWindowS: CONFIRM_WINDOW_S });
  t.after(() => sandbox.stop());
  const acknowledged = new Map<string, Acknowledged>();
  const failedRequests = { count: 0 };
  let stop = false;

  async function worker(index: number): Promise<void> {
    const rng = prng(SEED * 31 + index);
    for (let round = 0; !stop; round++) {
      try {
        const sent = await soap(sandbox, 'sendInvoice', invoiceXml(`w${index}-${round}`));
        if (sent.field('resultCode') !== '0') continue;
        const ack: Acknowledged = { invoiceReference: sent.field('invoiceReference') ?? '', confirmed: false, refunds: [], receipts: [] };
        acknowledged.set(ack.invoiceReference, ack);
        if (!rng.chance(0.9)) continue; // some stay ISSUED

        const paid = await fetch(`${sandbox.url}/sandbox/invoices/${ack.invoiceReference}/pay`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
        const detail = (await paid.json()) as SandboxInvoice;
        if (paid.status !== 200 || detail.status !== 'PAID' || !detail.ersReference) continue;
        ack.ersReference = detail.ersReference;
        if (!rng.chance(0.8)) continue; // some are never confirmed: the window reverses them

        const seen = await soap(sandbox, 'getPaymentStatus', `<invoiceReference>${ack.invoiceReference}</invoiceReference><invoiceVersion>0</invoiceVersion>`);
        if (seen.field('resultCode') !== '0' || seen.field('status') !== 'PAID') continue;
        ack.confirmed = true;

        if (rng.chance(0.5)) {
          const refund = await soap(sandbox, 'refundPayment', `<ersReference>${ack.ersReference}</ersReference><invoice><totalAmount><currency>SEK</currency><value>20.00</value></totalAmount></invoice>`);
          if (refund.field('resultCode') === '0') ack.refunds.push(refund.field('ersReference') ?? '');
        }
        if (rng.chance(0.5)) {
          const data = Buffer.from(`Receipt for ${ack.invoiceReference}`).toString('base64');
          const receipt = await soap(sandbox, 'submitPaymentReceipt', `<ersReference>${ack.ersReference}</ersReference><receiptDocument><mimeType>text/plain</mimeType><receiptData>${data}</receiptData><receiptType>PAYMENT</receiptType></receiptDocument>`);
          if (receipt.field('resultCode') === '0') ack.receipts.push(receipt.field('ersReference') ?? '');
        }
      } catch {
        // The sandbox was killed mid-request, or is down: nothing was acknowledged. Go on.
        failedRequests.count += 1;
        await sleep(10);
      }
    }
  }

  const workers = Array.from({ length: WORKERS }, (_, i) => worker(i));
  const moments = prng(SEED);
  for (let kill = 1; kill <= KILLS; kill++) {
    const after = moments.range(250, 1500);
    await sleep(after);
    const before = acknowledged.size;
    await sandbox.restart({ signal: 'SIGKILL' });
    t.diagnostic(`kill ${kill}: SIGKILL after ${after} ms of load (${before} invoices acknowledged so far), restarted`);
  }
  stop = true;
  await Promise.all(workers);
  // Every payment's window has passed, so a lost confirmation would show as a reversal by now.
  await sleep(CONFIRM_WINDOW_S * 1000 + 1500);

  const lost = { invoices: [] as string[], payments: [] as string[], confirmations: [] as string[], refunds: [] as string[], receipts: [] as string[] };
  const totals = { invoices: 0, payments: 0, confirmations: 0, refunds: 0, receipts: 0 };
  for (const ack of acknowledged.values()) {
    totals.invoices += 1;
    const response = await fetch(`${sandbox.url}/sandbox/invoices/${ack.invoiceReference}`);
    if (response.status === 404) {
      lost.invoices.push(ack.invoiceReference);
      continue;
    }
    const stored = (await response.json()) as SandboxInvoice;
    if (ack.ersReference) {
      totals.payments += 1;
      // Unconfirmed payments may be reversed (that is the rule); the payment itself stays recorded.
      const kept = stored.ersReference === ack.ersReference && (stored.status === 'PAID' || (stored.status === 'CANCELED' && stored.reversed && !ack.confirmed));
      if (!kept) lost.payments.push(`${ack.invoiceReference} (${stored.status}, payment ${stored.ersReference ?? 'none'})`);
    }
    if (ack.confirmed) {
      totals.confirmations += 1;
      if (!(stored.confirmed && stored.status === 'PAID' && !stored.reversed)) lost.confirmations.push(`${ack.invoiceReference} (${stored.status}${stored.reversed ? ', reversed' : ''})`);
    }
    for (const refund of ack.refunds) {
      totals.refunds += 1;
      if (!stored.refunds.some((r) => r.ersReference === refund)) lost.refunds.push(`${refund} on ${ack.invoiceReference}`);
    }
    for (const receipt of ack.receipts) {
      totals.receipts += 1;
      if (!stored.receipts.some((r) => r.ersReference === receipt)) lost.receipts.push(`${receipt} on ${ack.invoiceReference}`);
    }
  }
  t.diagnostic(`acknowledged: ${JSON.stringify(totals)}; ${failedRequests.count} requests failed around the kills`);
  console.log(`[durability] seed ${SEED}: acknowledged ${JSON.stringify(totals)}; lost ${JSON.stringify(Object.fromEntries(Object.entries(lost).map(([k, v]) => [k, v.length])))}`);

  // The load really ran through the kills (else the check above proves nothing).
  assert.ok(totals.invoices >= 30 && totals.confirmations >= 10 && totals.refunds >= 3 && totals.receipts >= 3, `too little load to judge: ${JSON.stringify(totals)}`);
  assert.ok(failedRequests.count >= 1, 'some requests were cut off by the kills');
  assert.deepEqual(lost, { invoices: [], payments: [], confirmations: [], refunds: [], receipts: [] }, `acknowledged but gone after SIGKILL + restart (seed ${SEED})`);
});

test('a save that fails is answered with an error (500 / soap:Server), never acknowledged; the next one that succeeds is kept', { timeout: 60_000 }, async (t) => {
  const sandbox = await startSandboxProcess({});
  t.after(() => sandbox.stop());
  // The snapshot's temp file pointing at /dev/full: every write to it fails with ENOSPC.
  const temp = path.join(sandbox.dataDir, 'sandbox', 'state.json.tmp');
  const fullDisk = () => {
    fs.rmSync(temp, { force: true });
    fs.symlinkSync('/dev/full', temp);
  };

  fullDisk();
  const reset = await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' });
  assert.equal(reset.status, 500);
  assert.match(((await reset.json()) as { error: string }).error, /could not save its state to disk .*not acknowledged/);

  fullDisk(); // the failed write removed its temp file; the retry is a whole snapshot again
  const refused = await soap(sandbox, 'sendInvoice', invoiceXml('full-disk'));
  assert.equal(refused.status, 500);
  assert.match(refused.text, /<faultcode>soap:Server<\/faultcode>/);
  assert.match(refused.text, /could not save its state to disk/);
  assert.equal(refused.field('resultCode'), undefined, 'no business answer: nothing acknowledged');
  assert.match(sandbox.output(), /Could not save the sandbox state to .*state\.json/);

  fs.rmSync(temp, { force: true }); // the disk has room again
  const sent = await soap(sandbox, 'sendInvoice', invoiceXml('disk-ok'));
  assert.equal(sent.field('resultCode'), '0', sent.text);
  const reference = sent.field('invoiceReference') ?? '';
  await sandbox.restart({ signal: 'SIGKILL' });
  const kept = await sandbox.control.invoice(reference);
  assert.equal(kept.clientInvoiceId, 'disk-ok');
});
