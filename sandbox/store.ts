// Persistence of the sandbox state in $DATA_DIR/sandbox: durable before answering.
//
// Layout: state.json is a snapshot of the whole state; state.journal holds, one JSON line per
// commit, the records changed since (whole invoices, and the small rest of the state — terminals,
// counters, periods — when it changed). Loading replays the journal over the snapshot.
//
// Why a journal and not a whole-state write per change: at 1,000 invoices (1.7 MB) one
// JSON.stringify + write + fsync + rename costs ~35 ms and blocks the event loop for most of it,
// at 5,000 ~170 ms; a journal line of one invoice costs ~0.4 ms. A test run reaches thousands.
//
// Group commit: a change only marks its records dirty. One commit at a time serialises every
// dirty record as it is *then*, appends one line and fdatasyncs it; changes made while that fsync
// runs wait for the next commit, which takes all of them at once. So concurrent requests share
// one fsync, and serialising at commit time also covers fields set just after the history event.
//
// Compaction: when the journal outgrows the snapshot (and 1 MB), when the state was replaced
// (reset), after a crash left a journal behind, and on a clean close, the next commit writes the
// whole state as a new snapshot (temp file + fsync + rename + directory fsync) and then empties
// the journal. Every line and snapshot carries a commit number; the snapshot names the last one
// it contains, so a crash between the rename and emptying the journal just skips the old lines
// at load instead of replaying stale invoice images over newer ones.
//
// A commit counts once its line ends in "\n": a crash mid-append leaves a torn last line, which
// is ignored. Anything else unreadable is moved aside with a sentence, as before.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { emptyState, type Invoice, type SandboxState } from './model';

// Only the outer shape is checked: the file is ours, but a hand-edited or foreign file must not
// crash the sandbox deep inside a request.
const InvoiceShape = z.looseObject({ invoiceReference: z.string(), status: z.string(), history: z.array(z.unknown()) });
const MetaShape = {
  format: z.literal(1),
  seq: z.number(),
  lastInvoiceRef: z.number(),
  resellers: z.record(z.string(), z.looseObject({ id: z.string() })),
  terminals: z.record(z.string(), z.looseObject({ id: z.string(), password: z.string() })),
  periods: z.array(z.unknown()),
  lastMarks: z.record(z.string(), z.number()),
};
const StateShape = z.looseObject({ ...MetaShape, invoices: z.array(InvoiceShape), journalSeq: z.number().optional() });
const EntryShape = z.strictObject({ n: z.number(), meta: z.looseObject(MetaShape).optional(), invoices: z.array(InvoiceShape).optional() });

/** Everything but the invoices: small, so it is compared and written whole. */
type Meta = Omit<SandboxState, 'invoices'>;

const metaOf = ({ invoices: _invoices, ...meta }: SandboxState): Meta => meta;

/** Journal bigger than this and than the snapshot: compact (keeps replay and disk use bounded). */
const COMPACT_MIN_BYTES = 1024 * 1024;
/** Changes nobody waits for (the SOAP-call lines of the invoice history) are written this late at most. */
const LAZY_FLUSH_MS = 1000;

export interface StateStoreOptions {
  compactMinBytes?: number;
  lazyFlushMs?: number;
}

interface Waiter {
  /** Durable once every change up to this count is on disk. */
  upTo: number;
  resolve(): void;
  reject(error: Error): void;
}

export class StateStore {
  readonly file: string;
  readonly journalFile: string;
  private readonly tempFile: string;
  private readonly compactMinBytes: number;
  private readonly lazyFlushMs: number;
  private getState: () => SandboxState = () => {
    throw new Error('StateStore.bind() was not called');
  };

  /** Invoices changed since the last commit began; insertion order keeps new invoices in creation order. */
  private dirty = new Set<Invoice>();
  private metaDirty = false;
  private metaNoted = '';
  private snapshotWanted = false;
  /** Real changes noted / included in a commit that started / on disk. Lazy ones do not count. */
  private noted = 0;
  private started = 0;
  private durable = 0;
  private waiters: Waiter[] = [];
  private running = false;
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  private lazyDue = false;
  private closed = false;
  /** The last commit failed: retry only for a new change or a waiter, not in a loop of its own. */
  private failing = false;

  private journal: fs.promises.FileHandle | undefined;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private nextN = 1;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void = console.log,
    options: StateStoreOptions = {},
  ) {
    this.file = path.join(dataDir, 'sandbox', 'state.json');
    this.journalFile = path.join(dataDir, 'sandbox', 'state.journal');
    // One sandbox per DATA_DIR (the journal could not be shared anyway), so a fixed name is safe.
    this.tempFile = `${this.file}.tmp`;
    this.compactMinBytes = options.compactMinBytes ?? COMPACT_MIN_BYTES;
    this.lazyFlushMs = options.lazyFlushMs ?? LAZY_FLUSH_MS;
  }

  /** Reads snapshot + journal. Writes nothing except moving unreadable files aside. */
  load(): SandboxState {
    const state = this.loadSnapshot();
    this.replayJournal(state);
    this.metaNoted = JSON.stringify(metaOf(state));
    return state;
  }

  private loadSnapshot(): SandboxState {
    const text = readIfThere(this.file, 'state file');
    if (text === undefined) return emptyState();
    try {
      const parsed = StateShape.safeParse(JSON.parse(text));
      if (parsed.success) {
        const { journalSeq, ...state } = parsed.data;
        this.nextN = (journalSeq ?? 0) + 1;
        this.snapshotBytes = text.length;
        return state as unknown as SandboxState;
      }
    } catch {
      // fall through: unreadable JSON
    }
    const aside = `${this.file}.corrupt-${Date.now()}`;
    fs.renameSync(this.file, aside);
    // The journal only holds changes on top of that snapshot: alone it would be a partial state.
    const journalAside = this.moveJournalAside();
    this.log(`[sandbox] The state file was not valid sandbox state; moved it to ${aside}${journalAside ? ` (and its journal to ${journalAside})` : ''} and started empty.`);
    return emptyState();
  }

  private replayJournal(state: SandboxState): void {
    const text = readIfThere(this.journalFile, 'journal');
    if (text === undefined || text === '') return;
    // Any journal left behind (a crash, or an old torn line) is folded into a fresh snapshot first.
    this.snapshotWanted = true;
    const snapshotN = this.nextN - 1;
    const index = new Map(state.invoices.map((invoice, i) => [invoice.invoiceReference, i]));
    const lines = text.split('\n');
    // The last piece has no "\n": empty after a clean append, else a torn write (never acknowledged).
    const torn = lines.pop();
    if (torn) this.log(`[sandbox] Ignored an incomplete last line in ${this.journalFile} (a write cut off by a crash; it was never acknowledged).`);
    for (const [i, line] of lines.entries()) {
      let entry: z.infer<typeof EntryShape> | undefined;
      try {
        const parsed = EntryShape.safeParse(JSON.parse(line));
        if (parsed.success) entry = parsed.data;
      } catch {
        // handled below
      }
      if (!entry) {
        const aside = this.moveJournalAside();
        this.log(`[sandbox] Line ${i + 1} of the state journal ${this.journalFile} is not a valid sandbox change; kept what the lines before it say and moved the journal to ${aside}.`);
        return;
      }
      this.nextN = Math.max(this.nextN, entry.n + 1);
      if (entry.n <= snapshotN) continue; // already in the snapshot (crash during compaction)
      if (entry.meta) Object.assign(state, entry.meta);
      for (const invoice of (entry.invoices ?? []) as unknown as Invoice[]) {
        const at = index.get(invoice.invoiceReference);
        if (at === undefined) {
          index.set(invoice.invoiceReference, state.invoices.length);
          state.invoices.push(invoice);
        } else {
          state.invoices[at] = invoice;
        }
      }
    }
    this.journalBytes = text.length;
  }

  private moveJournalAside(): string | undefined {
    const aside = `${this.journalFile}.corrupt-${Date.now()}`;
    try {
      fs.renameSync(this.journalFile, aside);
      return aside;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Where the current state lives (the model replaces it on reset). */
  bind(get: () => SandboxState): void {
    this.getState = get;
  }

  /**
   * An invoice changed. `lazy`: only bookkeeping nobody acts on (a SOAP call's history line), so
   * it costs no fsync of its own: it rides along with the next commit, or is written within
   * LAZY_FLUSH_MS.
   */
  touch(invoice: Invoice, lazy: boolean): void {
    this.dirty.add(invoice);
    if (!lazy) this.noted += 1;
  }

  /** The whole state object was replaced (reset): the next commit is a snapshot. */
  replaced(): void {
    this.dirty.clear();
    this.snapshotWanted = true;
    this.noted += 1;
  }

  /** After any change: notices changes outside invoices and starts a commit if there is one to do. */
  changed(): void {
    const meta = JSON.stringify(metaOf(this.getState()));
    if (meta !== this.metaNoted) {
      this.metaNoted = meta;
      this.metaDirty = true;
      this.noted += 1;
    }
    if (this.hasWork()) this.schedule();
    else if (this.dirty.size > 0 && !this.lazyTimer) {
      this.lazyTimer = setTimeout(() => {
        this.lazyTimer = undefined;
        this.lazyDue = true;
        this.schedule();
      }, this.lazyFlushMs);
      this.lazyTimer.unref();
    }
  }

  /**
   * Resolves once every real change noted so far is on disk — the caller's own and any other it
   * may have seen — so nothing leaves the process that a crash could take back. Immediate when
   * nothing is pending. Rejects when the write failed.
   */
  sync(): Promise<void> {
    if (this.durable >= this.noted) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('The sandbox is shutting down and no longer saves changes.'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo: this.noted, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Writes everything (lazy changes too) as a final snapshot, so state.json is whole after a clean
   * stop. Nothing is written after it: the port is released next and a new sandbox may take over
   * the files, so a change still made by a request in progress is refused (never acknowledged).
   */
  async close(): Promise<void> {
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    this.changed();
    this.snapshotWanted = true;
    this.noted += 1;
    try {
      await this.sync();
    } finally {
      this.closed = true;
      while (this.running) await new Promise((resolve) => setImmediate(resolve));
      await this.journal?.close().catch(() => undefined);
      this.journal = undefined;
    }
  }

  private hasWork(): boolean {
    if (this.noted > this.started || this.waiters.length > 0) return true;
    return !this.failing && (this.snapshotWanted || (this.lazyDue && this.dirty.size > 0));
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.closed) return;
    this.scheduled = true;
    // setImmediate, not now: every request parsed in this event-loop turn joins the same commit.
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.hasWork()) await this.commit();
    } finally {
      this.running = false;
    }
  }

  private async commit(): Promise<void> {
    const upTo = this.noted;
    this.started = upTo;
    this.lazyDue = false;
    const batch = this.waiters.filter((w) => w.upTo <= upTo);
    this.waiters = this.waiters.filter((w) => w.upTo > upTo);
    const snapshot = this.snapshotWanted || this.journalBytes > Math.max(this.compactMinBytes, this.snapshotBytes);
    try {
      if (snapshot) await this.writeSnapshot();
      else await this.appendJournal();
      this.durable = Math.max(this.durable, upTo);
      this.failing = false;
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      const reason = (error as Error).message;
      this.log(`[sandbox] Could not save the sandbox state to ${snapshot ? this.file : this.journalFile}: ${reason}. The changes stay in memory and are written with the next commit; requests that caused them were answered with an error.`);
      this.failing = true;
      const failure = new Error(`The sandbox could not save its state to disk (${reason}).`);
      for (const waiter of batch) waiter.reject(failure);
    }
  }

  private async appendJournal(): Promise<void> {
    const invoices = [...this.dirty];
    const meta = this.metaDirty ? metaOf(this.getState()) : undefined;
    this.dirty = new Set();
    this.metaDirty = false;
    if (invoices.length === 0 && !meta) return;
    const n = this.nextN++;
    const line = `${JSON.stringify({ n, ...(meta ? { meta } : {}), ...(invoices.length ? { invoices } : {}) })}\n`;
    try {
      if (!this.journal) {
        await fs.promises.mkdir(path.dirname(this.journalFile), { recursive: true });
        this.journal = await fs.promises.open(this.journalFile, 'a');
      }
      await this.journal.write(line);
      // fdatasync: the appended bytes and the new length, which is all an append needs.
      await this.journal.datasync();
      this.journalBytes += Buffer.byteLength(line);
    } catch (error) {
      // Start over from a snapshot, which covers these changes too: a partly written line must
      // not end up in the middle of the journal.
      this.snapshotWanted = true;
      await this.dropJournalHandle();
      throw error;
    }
  }

  private async writeSnapshot(): Promise<void> {
    const n = this.nextN++;
    const text = JSON.stringify({ ...this.getState(), journalSeq: n });
    this.dirty = new Set();
    this.metaDirty = false;
    this.snapshotWanted = false;
    const dir = path.dirname(this.file);
    try {
      await fs.promises.mkdir(dir, { recursive: true });
      const temp = await fs.promises.open(this.tempFile, 'w');
      try {
        await temp.write(text);
        await temp.sync();
      } finally {
        await temp.close();
      }
      await fs.promises.rename(this.tempFile, this.file);
      await syncDirectory(dir);
      this.snapshotBytes = text.length;
      // Only now may the journal go: the snapshot holds all of it (and says so with journalSeq).
      if (!this.journal) this.journal = await fs.promises.open(this.journalFile, 'a');
      await this.journal.truncate(0);
      await this.journal.sync();
      this.journalBytes = 0;
    } catch (error) {
      await fs.promises.unlink(this.tempFile).catch(() => undefined);
      // What was on disk is intact (rename is atomic, the journal is emptied last); try again whole.
      this.snapshotWanted = true;
      await this.dropJournalHandle();
      throw error;
    }
  }

  /** After a failure, open the journal afresh by its name next time (it may have been replaced). */
  private async dropJournalHandle(): Promise<void> {
    const handle = this.journal;
    this.journal = undefined;
    await handle?.close().catch(() => undefined);
  }
}

function readIfThere(file: string, what: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`The SEQR sandbox cannot read its ${what} ${file}: ${(error as Error).message}`);
  }
}

/** Makes a rename in `dir` durable (the new directory entry), where the platform allows it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open or fsync a directory; there the rename is as durable as it gets.
    if (process.platform !== 'win32') throw error;
  } finally {
    await handle?.close();
  }
}
