// Starts the REAL SEQR sandbox (sandbox/main.ts) as a child process for integration tests, on a
// free port with a temporary DATA_DIR, and offers small helpers for its JSON control API.
//
//   const sandbox = await startSandboxProcess({ confirmWindowS: 2 });
//   sandbox.wsdlUrl / sandbox.endpointUrl   → point a SOAP client here
//   await sandbox.control.pay(ref)          → play the customer
//   await sandbox.restart()                 → same port and DATA_DIR (persistence tests)
//   await sandbox.restart({ signal: 'SIGKILL' }) → the same after a crash (durability tests)
//   await sandbox.stop()                    → stops it and removes the temp DATA_DIR it created
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killOnExit, stopChild } from './child-process';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface SandboxProcessOptions {
  /** SEQR_SANDBOX_CONFIRM_WINDOW_S (the 20-second rule); fractions allowed. */
  confirmWindowS?: number;
  /** SEQR_SANDBOX_INVOICE_TTL_S. */
  ttlS?: number;
  /** SEQR_SANDBOX_REPORT_DELAY_S. */
  reportDelayS?: number;
  /** Reuse this DATA_DIR (kept on stop); default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Extra environment (e.g. SEQR_SANDBOX_API_MODE, SEQR_SANDBOX_STRICT, SEQR_SANDBOX_TERMINALS). */
  env?: Record<string, string | undefined>;
  /** Echo the sandbox's output to this process's stderr (also when SANDBOX_DEBUG=1). */
  echo?: boolean;
  /** Startup timeout in ms (default 20000). */
  timeoutMs?: number;
}

export interface Faults {
  down?: boolean;
  slowMs?: number;
  resultCode?: number | null;
  operation?: string | null;
  garbage?: boolean;
  dropNotifications?: boolean;
}

/** JSON of GET /sandbox/invoices/<ref> (the fields tests usually look at; more are present). */
export interface SandboxInvoice {
  invoiceReference: string;
  status: string;
  version: number;
  terminalId: string;
  title: string | null;
  clientInvoiceId: string | null;
  totalAmount: { currency?: string; value?: string } | null;
  backURL: string | null;
  notificationUrl: string | null;
  ersReference: string | null;
  confirmed: boolean;
  reversed: boolean;
  scanned: boolean;
  notifications: { at: string; url: string; httpStatus: number | null; error?: string; dropped?: boolean }[];
  refunds: { ersReference: string; at: string; amount: { currency: string; value: string } }[];
  receipts: { ersReference: string; forReference: string; mimeType: string | null; receiptType: string | null; size: number; text: string | null }[];
  /** What happened to the invoice; a SOAP call about it has kind 'soap', its operation and result code. */
  history: { at: string; kind: string; text: string; operation?: string; resultCode?: number }[];
  rows: unknown[];
  [key: string]: unknown;
}

export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string } | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Helpers for the control API of a sandbox at baseUrl. Non-2xx answers reject with ControlApiError. */
export function sandboxControl(baseUrl: string) {
  async function call<T>(method: string, pathname: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}${pathname}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as T & { error?: string }) : undefined;
    if (!response.ok) throw new ControlApiError(response.status, json, `${method} ${pathname}: HTTP ${response.status} ${text}`);
    return json as T;
  }
  const customer = (action: 'scan' | 'pay' | 'cancel' | 'fail') => (ref: string) => call<SandboxInvoice>('POST', `/sandbox/invoices/${ref}/${action}`);
  return {
    call,
    health: () => call<{ ok: boolean; [key: string]: unknown }>('GET', '/sandbox/health'),
    invoices: (status?: string) =>
      call<{ invoices: SandboxInvoice[] }>('GET', `/sandbox/invoices${status ? `?status=${encodeURIComponent(status)}` : ''}`).then((r) => r.invoices),
    invoice: (ref: string) => call<SandboxInvoice>('GET', `/sandbox/invoices/${ref}`),
    scan: customer('scan'),
    pay: customer('pay'),
    cancel: customer('cancel'),
    fail: customer('fail'),
    faults: () => call<Faults>('GET', '/sandbox/faults'),
    setFaults: (faults: Faults) => call<Faults>('POST', '/sandbox/faults', faults),
    clearFaults: () => call<Faults>('DELETE', '/sandbox/faults'),
    reset: () => call<{ ok: true }>('POST', '/sandbox/reset'),
  };
}
export type SandboxControl = ReturnType<typeof sandboxControl>;

/** The calls of `operation` SEQR received about an invoice (its history), from `since` on. */
export function soapCallsOf(invoice: Pick<SandboxInvoice, 'history'>, operation: string, since?: Date): { at: Date; resultCode?: number }[] {
  return invoice.history
    .filter((event) => event.kind === 'soap' && event.operation === operation)
    .map((event) => ({ at: new Date(event.at), resultCode: event.resultCode }))
    .filter((call) => !since || call.at >= since);
}


export interface SandboxProcess {
  url: string;
  wsdlUrl: string;
  endpointUrl: string;
  dataDir: string;
  port: number;
  control: SandboxControl;
  /** Everything the sandbox printed so far (stdout + stderr). */
  output(): string;
  stop(): Promise<void>;
  /**
   * Stops (SIGTERM, or `signal`: SIGKILL for a crash) and starts again on the same port and
   * DATA_DIR; downForMs keeps it stopped that long.
   */
  restart(opts?: { downForMs?: number; signal?: NodeJS.Signals }): Promise<void>;
}

export async function startSandboxProcess(opts: SandboxProcessOptions = {}): Promise<SandboxProcess> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-sandbox-'));
  const echo = opts.echo ?? process.env.SANDBOX_DEBUG === '1';
  let output = '';
  let child: ChildProcess | undefined;
  let port = 0; // 0 on first start: the sandbox picks a free port and prints it

  async function launch(): Promise<void> {
    const env: Record<string, string | undefined> = {
      ...process.env,
      SEQR_SANDBOX_PORT: String(port),
      DATA_DIR: dataDir,
      SEQR_SANDBOX_PUBLIC_URL: undefined,
      ...(opts.confirmWindowS !== undefined ? { SEQR_SANDBOX_CONFIRM_WINDOW_S: String(opts.confirmWindowS) } : {}),
      ...(opts.ttlS !== undefined ? { SEQR_SANDBOX_INVOICE_TTL_S: String(opts.ttlS) } : {}),
      ...(opts.reportDelayS !== undefined ? { SEQR_SANDBOX_REPORT_DELAY_S: String(opts.reportDelayS) } : {}),
      ...opts.env,
    };
    const childEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) if (value !== undefined) childEnv[key] = value;
    const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sandbox', 'main.ts')], {
      cwd: ROOT,
      env: childEnv as NodeJS.ProcessEnv, // Next's typings make NODE_ENV mandatory; inherited when set
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    killOnExit(proc);
    const from = output.length; // on restart, ignore the previous run's "listening" line
    const listening = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The SEQR sandbox did not start within ${opts.timeoutMs ?? 20000} ms. Output:\n${output}`)), opts.timeoutMs ?? 20000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (echo) process.stderr.write(chunk);
        const match = /SEQR sandbox listening on http:\/\/[^:]+:(\d+)/.exec(output.slice(from));
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`The SEQR sandbox exited (code ${code}) before it was ready. Output:\n${output}`));
      });
    });
    port = await listening;
    // Wait for the control API too, so callers can use it at once.
    const base = `http://localhost:${port}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${base}/sandbox/health`);
        if (response.ok) break;
      } catch {
        // not yet
      }
      if (attempt > 100) throw new Error(`The SEQR sandbox on port ${port} does not answer /sandbox/health. Output:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function halt(signal?: NodeJS.Signals): Promise<void> {
    const proc = child;
    child = undefined;
    await stopChild(proc, signal);
  }

  await launch();
  const url = `http://localhost:${port}`;
  const handle: SandboxProcess = {
    url,
    wsdlUrl: `${url}/soap/merchant/cashregister-2?wsdl`,
    endpointUrl: `${url}/soap/merchant/cashregister-2`,
    dataDir,
    port,
    control: sandboxControl(url),
    output: () => output,
    async stop() {
      await halt();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async restart({ downForMs = 0, signal } = {}) {
      await halt(signal);
      if (downForMs > 0) await new Promise((resolve) => setTimeout(resolve, downForMs));
      await launch();
    },
  };
  return handle;
}
