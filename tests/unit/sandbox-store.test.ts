// The sandbox's store on real files: group commit, no fsync for changes nobody acts on, replay
// after a crash (torn last line ignored, stale lines skipped after a compaction cut short),
// corrupt files moved aside with a sentence, and failed writes reported, then retried.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { seedState, SandboxModel, type InvoiceBody } from '../../sandbox/model';
import { StateStore, type StateStoreOptions } from '../../sandbox/store';

const cred = { id: 'demo-webshop', type: 'TERMINALID', password: 'demo-password' };
const body = (title = 'T'): InvoiceBody => ({
  acknowledgmentMode: 'NO_ACKNOWLEDGMENT',
  title,
  invoiceRows: [{ itemDescription: 'A', itemQuantity: '1', itemTotalAmount: { currency: 'SEK', value: '10.00' } }],
  totalAmount: { currency: 'SEK', value: '10.00' },
});

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A model wired to a store the way sandbox/server.ts wires them. */
function open(dir: string, options: StateStoreOptions = {}, now: () => number = Date.now) {
  const log: string[] = [];
  const store = new StateStore(dir, (line) => log.push(line), options);
  const state = store.load();
  seedState(state, []);
  const model = new SandboxModel(state, { confirmWindowS: 20, invoiceTtlS: 600, reportDelayS: 1, apiMode: '2.10', strict: false }, now);
  store.bind(() => model.state);
  model.onInvoiceEvent = (invoice, event) => store.touch(invoice, event.kind === 'soap');
  /** One request: the operation, the server's changed(), then the wait for durability. */
  const act = <T>(operation: () => T): Promise<T> => {
    const result = operation();
    store.changed();
    return store.sync().then(() => result);
  };
  return { store, model, log, act };
}

const journalOf = (dir: string) => path.join(dir, 'sandbox', 'state.journal');
const journalLines = (dir: string) => (fs.existsSync(journalOf(dir)) ? fs.readFileSync(journalOf(dir), 'utf8').split('\n').filter(Boolean) : []);
/** What a sandbox started now would load (as after a crash: nothing flushed on the way out). */
const reload = (dir: string) => new StateStore(dir, () => undefined).load();

test('concurrent changes share a commit: one journal line for all changes made while the previous fsync ran', async (t) => {
  const dir = tempDir(t);
  const { model, store, act } = open(dir);
  await act(() => undefined); // the seeded terminals
  const before = journalLines(dir).length;

  const first = act(() => model.sendInvoice(cred, body('first')).invoice!);
  await new Promise((resolve) => setImmediate(resolve)); // the commit of `first` has begun
  const others = Array.from({ length: 5 }, (_, i) => act(() => model.sendInvoice(cred, body(`other ${i}`)).invoice!));
  const invoices = await Promise.all([first, ...others]);

  const lines = journalLines(dir).slice(before).map((line) => JSON.parse(line) as { invoices: { invoiceReference: string }[] });
  assert.equal(lines.length, 2, 'one line for the first change, one for the five made during its fsync');
  assert.deepEqual(lines[1]?.invoices.map((i) => i.invoiceReference), invoices.slice(1).map((i) => i.invoiceReference));
  assert.deepEqual(reload(dir).invoices.map((i) => i.body.title), ['first', 'other 0', 'other 1', 'other 2', 'other 3', 'other 4']);
  await store.close();
});

test('a getPaymentStatus that changes nothing writes nothing; the one that confirms a payment is on disk before it returns', async (t) => {
  const dir = tempDir(t);
  const { model, store, act } = open(dir);
  const invoice = await act(() => model.sendInvoice(cred, body()).invoice!);
  const poll = () => {
    model.getPaymentStatus(cred, invoice.invoiceReference);
    model.recordSoapCall(invoice.invoiceReference, 'getPaymentStatus', 0); // as the server does per call
  };
  const before = fs.readFileSync(journalOf(dir), 'utf8');
  await act(poll);
  assert.equal(fs.readFileSync(journalOf(dir), 'utf8'), before, 'a poll of an unpaid invoice costs no write');

  await act(() => model.customer(invoice.invoiceReference, 'pay'));
  await act(poll);
  const stored = reload(dir).invoices[0];
  assert.equal(stored?.status, 'PAID');
  assert.equal(stored?.confirmed, true, 'the confirmation is durable when getPaymentStatus answers');

  await store.close();
  const history = reload(dir).invoices[0]?.history.filter((h) => h.kind === 'soap') ?? [];
  assert.equal(history.length, 2, 'the SOAP-call lines are written in the end (here: the final snapshot)');
  assert.deepEqual(journalLines(dir), [], 'a clean close leaves a whole state.json and an empty journal');
});

test('a torn last journal line (a crash mid-append) is ignored, and the next commit starts from a fresh snapshot', async (t) => {
  const dir = tempDir(t);
  const first = open(dir);
  const kept = await first.act(() => first.model.sendInvoice(cred, body('kept')).invoice!);
  fs.appendFileSync(journalOf(dir), '{"n":99,"invoices":[{"invoiceReference":"12');

  const second = open(dir);
  assert.deepEqual(second.model.state.invoices.map((i) => i.invoiceReference), [kept.invoiceReference]);
  assert.ok(second.log.some((line) => /Ignored an incomplete last line/.test(line)), second.log.join('\n'));
  const added = await second.act(() => second.model.sendInvoice(cred, body('added')).invoice!);
  assert.deepEqual(journalLines(dir), [], 'folded into state.json: no torn bytes stay in front of new lines');
  await second.act(() => second.model.customer(added.invoiceReference, 'pay'));

  const third = open(dir);
  assert.deepEqual(third.log, []);
  assert.deepEqual(third.model.state.invoices.map((i) => [i.body.title, i.status]), [['kept', 'ISSUED'], ['added', 'PAID']]);
});

test('journal lines older than the snapshot (a crash between its rename and emptying the journal) are skipped', async (t) => {
  const dir = tempDir(t);
  const { model, store, act } = open(dir);
  const invoice = await act(() => model.sendInvoice(cred, body()).invoice!);
  await act(() => model.customer(invoice.invoiceReference, 'pay'));
  const oldJournal = fs.readFileSync(journalOf(dir), 'utf8');
  await act(() => model.getPaymentStatus(cred, invoice.invoiceReference));
  await store.close(); // compacts: state.json has the confirmation, the journal is emptied
  fs.writeFileSync(journalOf(dir), oldJournal); // as if emptying it never happened

  const stored = reload(dir).invoices;
  assert.equal(stored.length, 1);
  assert.equal(stored[0]?.confirmed, true, 'the older images of the invoice were not replayed over the snapshot');
});

test('a corrupt line inside the journal: the lines before it are kept, the journal is moved aside with a sentence', async (t) => {
  const dir = tempDir(t);
  const first = open(dir);
  const kept = await first.act(() => first.model.sendInvoice(cred, body('kept')).invoice!);
  fs.appendFileSync(journalOf(dir), 'this is not JSON\n');
  fs.appendFileSync(journalOf(dir), `${JSON.stringify({ n: 1000, invoices: [{ ...kept, invoiceReference: '1', status: 'PAID' }] })}\n`);

  const second = open(dir);
  assert.deepEqual(second.model.state.invoices.map((i) => [i.invoiceReference, i.status]), [[kept.invoiceReference, 'ISSUED']]);
  assert.ok(second.log.some((line) => /Line \d+ of the state journal .* is not a valid sandbox change; kept what the lines before it say and moved the journal to .*corrupt-/.test(line)), second.log.join('\n'));
  assert.equal(fs.existsSync(journalOf(dir)), false);
  assert.equal(fs.readdirSync(path.join(dir, 'sandbox')).filter((name) => name.startsWith('state.journal.corrupt-')).length, 1);
});

test('a corrupt snapshot: it and its journal are moved aside and the sandbox starts empty, saying so', async (t) => {
  const dir = tempDir(t);
  const first = open(dir);
  await first.act(() => first.model.sendInvoice(cred, body()));
  fs.writeFileSync(path.join(dir, 'sandbox', 'state.json'), '{"format":1,"seq":');

  const second = open(dir);
  assert.deepEqual(second.model.state.invoices, []);
  assert.ok(second.log.some((line) => /not valid sandbox state; moved it to .*state\.json\.corrupt-.* \(and its journal to .*state\.journal\.corrupt-.*\) and started empty/.test(line)), second.log.join('\n'));
});

test('a failed write rejects the wait with a sentence; the change stays in memory and is written with the next commit', async (t) => {
  const dir = tempDir(t);
  const { model, log, act } = open(dir);
  fs.mkdirSync(path.dirname(journalOf(dir)), { recursive: true });
  fs.symlinkSync('/dev/full', journalOf(dir)); // every append fails with ENOSPC

  await assert.rejects(
    act(() => model.sendInvoice(cred, body('refused'))),
    /The sandbox could not save its state to disk \(ENOSPC/,
  );
  assert.ok(log.some((line) => /Could not save the sandbox state to .*state\.journal: ENOSPC/.test(line)), log.join('\n'));

  fs.rmSync(journalOf(dir)); // room again
  await act(() => model.sendInvoice(cred, body('accepted')));
  assert.deepEqual(reload(dir).invoices.map((i) => i.body.title), ['refused', 'accepted']);
});

test('a change nobody waits for (a reversal by the confirmation timer) is written on its own', async (t) => {
  const dir = tempDir(t);
  let now = Date.now();
  // The lazy flush would write it too, eventually: keep it out of reach to see the commit of its own.
  const { store, model: clocked, act } = open(dir, { lazyFlushMs: 600_000 }, () => now);
  const invoice = await act(() => clocked.sendInvoice(cred, body()).invoice!);
  await act(() => clocked.customer(invoice.invoiceReference, 'pay'));

  now += 21_000;
  assert.equal(clocked.tick(), true);
  store.changed(); // what the server's timer does; no request waits for it
  let stored = reload(dir).invoices[0];
  for (let i = 0; i < 500 && !stored?.reversed; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    stored = reload(dir).invoices[0];
  }
  assert.equal(stored?.status, 'CANCELED');
  assert.equal(stored?.reversed, true);
});
