// Persistence of the sandbox state in $DATA_DIR/sandbox/state.json. Writes are debounced and
// atomic (temp file + rename) so a crash never leaves half a file; flush() on shutdown.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { emptyState, type SandboxState } from './model';

// Only the outer shape is checked: the file is ours, but a hand-edited or foreign file must not
// crash the sandbox deep inside a request.
const StateShape = z.looseObject({
  format: z.literal(1),
  seq: z.number(),
  lastInvoiceRef: z.number(),
  resellers: z.record(z.string(), z.looseObject({ id: z.string() })),
  terminals: z.record(z.string(), z.looseObject({ id: z.string(), password: z.string() })),
  invoices: z.array(z.looseObject({ invoiceReference: z.string(), status: z.string(), history: z.array(z.unknown()) })),
  periods: z.array(z.unknown()),
  lastMarks: z.record(z.string(), z.number()),
});

export class StateStore {
  readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void = console.log,
    private readonly debounceMs = 50,
  ) {
    this.file = path.join(dataDir, 'sandbox', 'state.json');
  }

  load(): SandboxState {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw new Error(`The SEQR sandbox cannot read its state file ${this.file}: ${(error as Error).message}`);
    }
    try {
      const parsed = StateShape.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data as unknown as SandboxState;
    } catch {
      // fall through: unreadable JSON
    }
    const aside = `${this.file}.corrupt-${Date.now()}`;
    fs.renameSync(this.file, aside);
    this.log(`[sandbox] The state file was not valid sandbox state; moved it to ${aside} and started empty.`);
    return emptyState();
  }

  /** Schedules a write of the state returned by `get` (debounced). */
  scheduleSave(get: () => SandboxState): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write(get());
    }, this.debounceMs);
    this.timer.unref();
  }

  flush(state: SandboxState): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.write(state);
  }

  private write(state: SandboxState): void {
    this.dirty = false;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(state));
      fs.renameSync(temp, this.file);
    } catch (error) {
      // Never crash a request over persistence; say so loudly instead.
      this.log(`[sandbox] Could not save state to ${this.file}: ${(error as Error).message}`);
    }
  }
}
