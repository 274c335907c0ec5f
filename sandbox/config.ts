// The sandbox's own configuration, read from the environment and validated with zod. It is
// deliberately independent of the shop's lib/config.ts: the sandbox plays SEQR, not the shop.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type ApiMode = '2.10' | '2.6';
export type TerminalKind = 'webshop' | 'cashregister';

export interface TerminalSeed {
  id: string;
  password: string;
  currency: string;
  kind: TerminalKind;
  name: string;
  resellerId: string;
}

export interface SandboxConfig {
  port: number;
  dataDir: string;
  confirmWindowS: number;
  invoiceTtlS: number;
  reportDelayS: number;
  apiMode: ApiMode;
  terminals: TerminalSeed[];
  strict: boolean;
  /**
   * A line per SOAP call ([soap]). Off by default: the shop logs every call it makes ([seqr]), and
   * the same call printed twice doubles the log under load.
   */
  logCalls: boolean;
  /** Base URL written into the served WSDL; undefined = http://localhost:<actual port>. */
  publicUrl: string | undefined;
}

export class SandboxConfigError extends Error {
  override name = 'SandboxConfigError';
}

const seconds = (name: string, fallback: number, min: number) =>
  z.coerce
    .number({ error: `${name} must be a number of seconds, such as ${fallback}.` })
    .refine(Number.isFinite, { error: `${name} must be a number of seconds, such as ${fallback}.` })
    .min(min, { error: `${name} must be at least ${min} seconds.` })
    .max(86_400 * 30, { error: `${name} must be at most 30 days.` })
    .default(fallback);

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const TerminalSeedSchema = z.object({
  id: z.string().trim().min(1, { error: 'every terminal needs a non-empty "id"' }),
  password: z.string().min(1, { error: 'every terminal needs a non-empty "password"' }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: '"currency" must be a three-letter ISO 4217 code such as SEK' })
    .default('SEK'),
  kind: z.enum(['webshop', 'cashregister'], { error: '"kind" must be "webshop" or "cashregister"' }).default('webshop'),
  name: z.string().optional(),
  resellerId: z.string().trim().min(1).default('demo-reseller'),
});

const EnvSchema = z.object({
  SEQR_SANDBOX_PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'SEQR_SANDBOX_PORT must be a port number, such as 8090.' })
      .int({ error: 'SEQR_SANDBOX_PORT must be a whole number between 0 and 65535.' })
      .min(0, { error: 'SEQR_SANDBOX_PORT must be a whole number between 0 and 65535.' })
      .max(65535, { error: 'SEQR_SANDBOX_PORT must be a whole number between 0 and 65535.' })
      .default(8090),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('.data')),
  SEQR_SANDBOX_CONFIRM_WINDOW_S: z.preprocess(blankToUndefined, seconds('SEQR_SANDBOX_CONFIRM_WINDOW_S', 20, 0.1)),
  SEQR_SANDBOX_INVOICE_TTL_S: z.preprocess(blankToUndefined, seconds('SEQR_SANDBOX_INVOICE_TTL_S', 600, 0.1)),
  SEQR_SANDBOX_REPORT_DELAY_S: z.preprocess(blankToUndefined, seconds('SEQR_SANDBOX_REPORT_DELAY_S', 3, 0)),
  SEQR_SANDBOX_API_MODE: z.preprocess(
    blankToUndefined,
    // 2.6 by default: SEQR's published API reference and WSDL have no EXPIRED status (an expired
    // invoice reads CANCELED); EXPIRED and result 58 exist only in the 2.10 client (PROTOCOL.md §11).
    z.enum(['2.10', '2.6'], { error: 'SEQR_SANDBOX_API_MODE must be "2.6" (expired invoices become CANCELED, as SEQR\'s published WSDL has it) or "2.10" (they become EXPIRED).' }).default('2.6'),
  ),
  SEQR_SANDBOX_TERMINALS: z.preprocess(blankToUndefined, z.string().optional()),
  SEQR_SANDBOX_STRICT: z.preprocess(
    blankToUndefined,
    z
      .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'SEQR_SANDBOX_STRICT must be true or false.' })
      .transform((value) => ['1', 'true', 'yes', 'on'].includes(value))
      .default(false),
  ),
  SEQR_SANDBOX_LOG_CALLS: z.preprocess(
    blankToUndefined,
    z
      .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'SEQR_SANDBOX_LOG_CALLS must be true or false.' })
      .transform((value) => ['1', 'true', 'yes', 'on'].includes(value))
      .default(false),
  ),
  SEQR_SANDBOX_PUBLIC_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'SEQR_SANDBOX_PUBLIC_URL must be an http:// or https:// URL, such as http://localhost:8090.' })
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  ),
});

function parseTerminals(text: string | undefined): TerminalSeed[] {
  if (text === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SandboxConfigError('SEQR_SANDBOX_TERMINALS must be a JSON array such as [{"id":"shop-2","password":"secret"}]; it is not valid JSON.');
  }
  const parsed = z.array(TerminalSeedSchema, { error: 'SEQR_SANDBOX_TERMINALS must be a JSON array of terminals.' }).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
    throw new SandboxConfigError(`SEQR_SANDBOX_TERMINALS is invalid${where}: ${issue?.message ?? 'unexpected shape'}.`);
  }
  return parsed.data.map((t) => ({ ...t, name: t.name ?? t.id }));
}

/** Reads and validates the sandbox environment; throws SandboxConfigError with sentences. */
export function loadSandboxConfig(env: Record<string, string | undefined> = process.env, root = PROJECT_ROOT): SandboxConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const sentences = [...new Set(parsed.error.issues.map((issue) => issue.message))];
    throw new SandboxConfigError(`The SEQR sandbox configuration is invalid: ${sentences.join(' ')}`);
  }
  const e = parsed.data;
  return {
    port: e.SEQR_SANDBOX_PORT,
    dataDir: path.resolve(root, e.DATA_DIR),
    confirmWindowS: e.SEQR_SANDBOX_CONFIRM_WINDOW_S,
    invoiceTtlS: e.SEQR_SANDBOX_INVOICE_TTL_S,
    reportDelayS: e.SEQR_SANDBOX_REPORT_DELAY_S,
    apiMode: e.SEQR_SANDBOX_API_MODE,
    terminals: parseTerminals(e.SEQR_SANDBOX_TERMINALS),
    strict: e.SEQR_SANDBOX_STRICT,
    logCalls: e.SEQR_SANDBOX_LOG_CALLS,
    publicUrl: e.SEQR_SANDBOX_PUBLIC_URL,
  };
}
