// The environment, read and validated once. Every other module asks getConfig() instead of
// touching process.env, so a bad setting fails at startup with a sentence, not deep in a request.
import path from 'node:path';
import { z } from 'zod';
import { isTimeZone, parseDayCloseAt, type DayCloseAt } from './payments/day-close-schedule';

export const APP_SCHEMES = ['seqr-demo', 'seqr'] as const;

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number, such as ${fallback}.` })
    .int({ error: `${name} must be a whole number between 1 and 65535.` })
    .min(1, { error: `${name} must be a whole number between 1 and 65535.` })
    .max(65535, { error: `${name} must be a whole number between 1 and 65535.` })
    .default(fallback);

/** A whole number of milliseconds or seconds within bounds, with sentences naming the variable. */
const duration = (name: string, unit: 'ms' | 's', min: number, max: number, fallback: number) => {
  const word = unit === 'ms' ? 'milliseconds' : 'seconds';
  const short = unit === 'ms' ? 'ms' : 'seconds';
  return z.coerce
    .number({ error: `${name} must be a number of ${word}, such as ${fallback}.` })
    .int({ error: `${name} must be a whole number of ${word}.` })
    .min(min, { error: `${name} must be at least ${min} ${short}.` })
    .max(max, { error: `${name} must be at most ${max} ${short}.` })
    .default(fallback);
};

const httpUrl = (name: string) =>
  z
    .url({ protocol: /^https?$/, error: `${name} must be an http:// or https:// URL.` })
    .transform((value) => value.replace(/\/+$/, ''));

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port('PORT', 3000),
  PUBLIC_BASE_URL: httpUrl('PUBLIC_BASE_URL').optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, {
          error: 'DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/db), or unset for the embedded database.',
        })
        .optional(),
    )
    .optional(),
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'DATABASE_POOL_SIZE must be a number of connections, such as 10.' })
    .int({ error: 'DATABASE_POOL_SIZE must be a whole number of connections.' })
    .min(1, { error: 'DATABASE_POOL_SIZE must be at least 1.' })
    .max(500, { error: 'DATABASE_POOL_SIZE must be at most 500.' })
    .default(10),
  DATA_DIR: optionalText,
  SEQR_SANDBOX_PORT: port('SEQR_SANDBOX_PORT', 8090),
  SEQR_WSDL_URL: httpUrl('SEQR_WSDL_URL').optional(),
  // Sandbox mode (demo credentials, demo admin password, wallet links) is declared, never guessed
  // from a URL: a port or host that happens to match must not enable a public password.
  SEQR_SANDBOX: z
    .enum(['0', '1', ''], { error: 'SEQR_SANDBOX must be 1 (the endpoint is a SEQR sandbox) or 0, or unset.' })
    .transform((value) => (value === '' ? undefined : value === '1'))
    .optional(),
  SEQR_TERMINAL_ID: optionalText,
  SEQR_TERMINAL_PASSWORD: optionalText,
  SEQR_APP_SCHEME: z
    .enum(APP_SCHEMES, { error: 'SEQR_APP_SCHEME must be "seqr-demo" (the demo app) or "seqr" (the production app).' })
    .default('seqr-demo'),
  SEQR_CLIENT_ID: z.string().trim().min(1).max(80).default('Nordvik'),
  SEQR_TIMEOUT_MS: duration('SEQR_TIMEOUT_MS', 'ms', 100, 120_000, 10_000),
  SEQR_RESELLER_ID: optionalText,
  SEQR_RESELLER_USER_ID: optionalText,
  SEQR_RESELLER_PASSWORD: optionalText,
  STATUS_STREAMS_PER_ORDER: z.coerce
    .number({ error: 'STATUS_STREAMS_PER_ORDER must be a number of streams, such as 5.' })
    .int({ error: 'STATUS_STREAMS_PER_ORDER must be a whole number of streams.' })
    .min(1, { error: 'STATUS_STREAMS_PER_ORDER must be at least 1.' })
    .max(100, { error: 'STATUS_STREAMS_PER_ORDER must be at most 100.' })
    .default(5),
  STATUS_STREAMS_MAX: z.coerce
    .number({ error: 'STATUS_STREAMS_MAX must be a number of streams, such as 200.' })
    .int({ error: 'STATUS_STREAMS_MAX must be a whole number of streams.' })
    .min(1, { error: 'STATUS_STREAMS_MAX must be at least 1.' })
    .max(100_000, { error: 'STATUS_STREAMS_MAX must be at most 100000.' })
    .default(200),
  PAYMENT_TTL_S: duration('PAYMENT_TTL_S', 's', 5, 3600, 120),
  SWEEP_INTERVAL_MS: duration('SWEEP_INTERVAL_MS', 'ms', 200, 60_000, 1000),
  ORDER_ABANDON_AFTER_S: duration('ORDER_ABANDON_AFTER_S', 's', 60, 30 * 24 * 3600, 3600),
  DAY_CLOSE_AT: optionalText.pipe(
    z
      .string()
      .refine((value) => parseDayCloseAt(value) !== undefined, { error: 'DAY_CLOSE_AT must be a 24-hour time such as 23:00 (the automatic day close), or unset.' })
      .optional(),
  ),
  SHOP_TIME_ZONE: z
    .string()
    .trim()
    .default('Europe/Stockholm')
    .refine(isTimeZone, { error: 'SHOP_TIME_ZONE must be an IANA time zone such as Europe/Stockholm.' }),
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(8, { error: 'ADMIN_PASSWORD must be at least 8 characters long.' }).optional()),
  SESSION_SECRET: optionalText.pipe(
    z.string().min(32, { error: 'SESSION_SECRET must be at least 32 characters long (a random string, e.g. `openssl rand -base64 48`), or unset to keep one in the database.' }).optional(),
  ),
  SMTP_URL: optionalText.pipe(
    z
      .url({ protocol: /^smtps?$/, error: 'SMTP_URL must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.com:587, or unset for the local mail catcher.' })
      .optional(),
  ),
  MAIL_FROM: z.string().trim().min(3).max(200).default('Nordvik <shop@nordvik.localhost>'),
  MAIL_CATCHER_SMTP_PORT: port('MAIL_CATCHER_SMTP_PORT', 2525),
  MAIL_CATCHER_HTTP_PORT: port('MAIL_CATCHER_HTTP_PORT', 8025),
  // The seller, as receipts and the footer name it (lib/shop/seller.ts); demo defaults for Nordvik.
  SHOP_NAME: z.string().trim().min(1, { error: 'SHOP_NAME must not be empty.' }).max(80, { error: 'SHOP_NAME must be at most 80 characters.' }).default('Nordvik Hem AB'),
  SHOP_ORG_NR: z
    .string()
    .trim()
    .regex(/^\d{6}-\d{4}$/, { error: 'SHOP_ORG_NR must be a Swedish organisation number such as 559123-4567.' })
    .default('559123-4567'),
  SHOP_VAT_NR: z
    .string()
    .trim()
    .regex(/^SE\d{12}$/, { error: 'SHOP_VAT_NR must be a Swedish VAT number: SE and 12 digits, such as SE559123456701.' })
    .default('SE559123456701'),
  SHOP_ADDRESS: z.string().trim().min(1, { error: 'SHOP_ADDRESS must not be empty.' }).max(200, { error: 'SHOP_ADDRESS must be at most 200 characters.' }).default('Hantverkargatan 12, 112 21 Stockholm'),
  SHOP_EMAIL: z.string().trim().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'SHOP_EMAIL must be an e-mail address.' }).default('hej@nordvik.example'),
  SHOP_PHONE: z.string().trim().regex(/^\+?[\d\s()-]{6,20}$/, { error: 'SHOP_PHONE must be a phone number such as +46 8 123 456 78.' }).default('+46 8 123 456 78'),
  APP_RETURN_URL_PREFIXES: optionalText,
  // Unset: derived from SEQR_TIMEOUT_MS (parseConfig), so it has no default of its own here.
  IDEMPOTENCY_CLAIM_S: duration('IDEMPOTENCY_CLAIM_S', 's', 5, 3600, 120).removeDefault().optional(),
  TRUST_PROXY_HOPS: z.coerce
    .number({ error: 'TRUST_PROXY_HOPS must be the number of proxies in front of the shop, such as 1, or 0 for none.' })
    .int({ error: 'TRUST_PROXY_HOPS must be a whole number of proxies.' })
    .min(0, { error: 'TRUST_PROXY_HOPS must be between 0 and 10.' })
    .max(10, { error: 'TRUST_PROXY_HOPS must be between 0 and 10.' })
    .default(0),
});

export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  publicBaseUrl: string;
  /** Where embedded state lives: the PGlite database and the sandbox's store. */
  dataDir: string;
  /** poolSize: connections per process (PostgreSQL only). */
  database: { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string; poolSize?: number };
  seqr: {
    wsdlUrl: string;
    /** The SOAP endpoint: the WSDL URL without its query. */
    endpointUrl: string;
    terminalId: string;
    terminalPassword: string;
    appScheme: (typeof APP_SCHEMES)[number];
    /**
     * True when the shop talks to a SEQR sandbox: SEQR_WSDL_URL unset (`npm start` runs the local
     * one) or SEQR_SANDBOX=1. Enables the demo credentials, the demo admin password and the wallet link.
     */
    usesSandbox: boolean;
    /** SEQR_WSDL_URL is unset: `npm start` starts the local sandbox at sandboxBaseUrl. */
    startsLocalSandbox: boolean;
    sandboxPort: number;
    sandboxBaseUrl: string;
    /** Sent as context/clientId on every call: the company name, as certification asks. */
    clientId: string;
    timeoutMs: number;
    /**
     * RESELLERUSER credentials for day close and reports; the terminal's are used when unset. An id
     * of the form `resellerId/userId` carries the user itself (no separate userId is sent).
     */
    reseller: { id: string; userId?: string; password: string } | undefined;
  };
  payments: {
    /** Shop-side lifetime of an unpaid invoice; then the shop cancels it (PROTOCOL.md §6.5). */
    ttlMs: number;
    /** How often the sweeper confirms open invoices and expires stale ones. */
    sweepIntervalMs: number;
    /** An unpaid order with no open invoice and no activity for this long becomes ABANDONED. */
    abandonAfterMs: number;
    /** The automatic day close (DAY_CLOSE_AT, local time in SHOP_TIME_ZONE); undefined = off. */
    dayClose: { at: DayCloseAt; timeZone: string } | undefined;
    /** Live status streams (SSE) at once: per order and per process; over them the page polls. */
    statusStreams: { perOrder: number; perProcess: number };
  };
  /** The shop's time zone: DAY_CLOSE_AT is read in it. */
  timeZone: string;
  /**
   * The back-office password. In the demo (talking to the sandbox) a documented default applies;
   * against a real SEQR endpoint the back office stays closed until ADMIN_PASSWORD is set.
   */
  adminPassword: string | undefined;
  /** Signs back-office cookies (SESSION_SECRET); undefined = a random one kept in the database. */
  sessionSecret: string | undefined;
  /** Proxies in front of the shop that append to X-Forwarded-For (scripts/serve.ts); 0 = none. */
  trustProxyHops: number;
  /**
   * Where the SEQR app may send a shopper back to after paying in a native app (the app API's
   * returnUrl): each entry is a prefix the URL must start with. Empty: apps get the web done page only.
   */
  appReturnUrlPrefixes: string[];
  /**
   * How long an app API request holds its Idempotency-Key (IDEMPOTENCY_CLAIM_S): a repeat meanwhile
   * is told to come back (409), and a claim whose process died is taken over once it lapses. Longer
   * than any request can take (checked against SEQR_TIMEOUT_MS).
   */
  idempotencyClaimMs: number;
  mail: {
    /** Where e-mails are sent: SMTP_URL, or the local mail catcher that `npm start` runs. */
    smtpUrl: string;
    /** The From header (MAIL_FROM). */
    from: string;
    /** SMTP_URL is unset: `npm start` starts the local mail catcher (mailcatcher/main.ts). */
    startsLocalCatcher: boolean;
    catcherSmtpPort: number;
    catcherHttpPort: number;
    /** The mail catcher's page, listing what the shop sent. */
    catcherBaseUrl: string;
  };
  /** The seller (SHOP_*): footer, receipts, the receipt sent to SEQR. */
  seller: { name: string; orgNr: string; vatNr: string; address: string; email: string; phone: string };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const SANDBOX_TERMINAL_ID = 'demo-webshop';
export const SANDBOX_TERMINAL_PASSWORD = 'demo-password';
export const SANDBOX_SOAP_PATH = '/soap/merchant/cashregister-2';
/** Back-office password of the demo (sandbox mode only; documented in the README). */
export const DEMO_ADMIN_PASSWORD = 'nordvik-admin';

/** IDEMPOTENCY_CLAIM_S unset: two minutes, or three SEQR deadlines when SEQR_TIMEOUT_MS is above 40 s. */
export const DEFAULT_IDEMPOTENCY_CLAIM_MS = 2 * 60 * 1000;

/** The demo app's return URLs (sandbox mode only, when APP_RETURN_URL_PREFIXES is unset; README "Apps"). */
export const DEMO_APP_RETURN_URL_PREFIX = 'nordvik://';

/**
 * APP_RETURN_URL_PREFIXES: comma-separated. An app scheme ("myshopapp://") or an https URL ending in
 * "/" (so "https://shop.example" cannot also allow "https://shop.example.evil.com").
 */
function parseReturnUrlPrefixes(value: string, problems: string[]): string[] {
  const prefixes = value.split(',').map((part) => part.trim()).filter(Boolean);
  for (const prefix of prefixes) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(prefix)?.[1]?.toLowerCase();
    if (!scheme || /\s/.test(prefix)) problems.push(`APP_RETURN_URL_PREFIXES: "${prefix}" must start with a URL scheme and "://", such as myshopapp:// or https://shop.example/app/.`);
    else if (['javascript', 'data', 'vbscript', 'file', 'http'].includes(scheme)) problems.push(`APP_RETURN_URL_PREFIXES: "${prefix}" uses ${scheme}:, which a return URL may not (use the app's own scheme, or https).`);
    else if (scheme === 'https' && !/^https:\/\/[^/]+\/.*/i.test(prefix)) problems.push(`APP_RETURN_URL_PREFIXES: "${prefix}" must end its host with a "/", such as https://shop.example/app/.`);
  }
  return prefixes;
}

/** Parse an environment into a Config. Pure: tests pass their own environment. */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.DATA_DIR ?? '.data');
  const sandboxBaseUrl = `http://localhost:${e.SEQR_SANDBOX_PORT}`;
  const wsdlUrl = e.SEQR_WSDL_URL ?? `${sandboxBaseUrl}${SANDBOX_SOAP_PATH}?wsdl`;
  const endpointUrl = wsdlUrl.replace(/\?.*$/, '');
  const startsLocalSandbox = e.SEQR_WSDL_URL === undefined;
  const usesSandbox = e.SEQR_SANDBOX ?? startsLocalSandbox;

  const problems: string[] = [];
  if (startsLocalSandbox && e.SEQR_SANDBOX === false) {
    problems.push('SEQR_SANDBOX=0 needs SEQR_WSDL_URL: without it the shop talks to the local sandbox.');
  }
  if (!usesSandbox && !e.SEQR_TERMINAL_ID) {
    problems.push('SEQR_TERMINAL_ID is missing: set it to the terminal id SEQR issued for this shop (SEQR_WSDL_URL is set and SEQR_SANDBOX is not 1).');
  }
  if (!usesSandbox && !e.SEQR_TERMINAL_PASSWORD) {
    problems.push('SEQR_TERMINAL_PASSWORD is missing: set it to the terminal password SEQR issued for this shop (SEQR_WSDL_URL is set and SEQR_SANDBOX is not 1).');
  }
  const resellerParts = [e.SEQR_RESELLER_ID, e.SEQR_RESELLER_PASSWORD];
  if (resellerParts.some(Boolean) && !resellerParts.every(Boolean)) {
    problems.push('SEQR_RESELLER_ID and SEQR_RESELLER_PASSWORD go together: set both, or neither to use the terminal credentials for reports.');
  }
  // A Swedish VAT number is SE, the organisation number's ten digits and 01.
  if (e.SHOP_VAT_NR.slice(2, 12) !== e.SHOP_ORG_NR.replace('-', '')) {
    problems.push(`SHOP_VAT_NR (${e.SHOP_VAT_NR}) must be SE, the ten digits of SHOP_ORG_NR (${e.SHOP_ORG_NR}) and two more, such as SE${e.SHOP_ORG_NR.replace('-', '')}01.`);
  }
  const appReturnUrlPrefixes = e.APP_RETURN_URL_PREFIXES !== undefined ? parseReturnUrlPrefixes(e.APP_RETURN_URL_PREFIXES, problems) : usesSandbox ? [DEMO_APP_RETURN_URL_PREFIX] : [];
  // createPayment can wait for sendInvoice and then for the settling of an unknown outcome (a status
  // question and a cancel): a claim that lapsed while its request still runs would let a repeat run it twice.
  if (e.IDEMPOTENCY_CLAIM_S !== undefined && e.IDEMPOTENCY_CLAIM_S * 1000 < 3 * e.SEQR_TIMEOUT_MS) {
    problems.push(`IDEMPOTENCY_CLAIM_S (${e.IDEMPOTENCY_CLAIM_S} seconds) must be at least three times SEQR_TIMEOUT_MS (${e.SEQR_TIMEOUT_MS} ms): a request holds its key while it waits for SEQR.`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    dataDir,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : { kind: 'pglite', dir: path.join(dataDir, 'db') },
    seqr: {
      wsdlUrl,
      endpointUrl,
      terminalId: e.SEQR_TERMINAL_ID ?? SANDBOX_TERMINAL_ID,
      terminalPassword: e.SEQR_TERMINAL_PASSWORD ?? SANDBOX_TERMINAL_PASSWORD,
      appScheme: e.SEQR_APP_SCHEME,
      usesSandbox,
      startsLocalSandbox,
      sandboxPort: e.SEQR_SANDBOX_PORT,
      sandboxBaseUrl,
      clientId: e.SEQR_CLIENT_ID,
      timeoutMs: e.SEQR_TIMEOUT_MS,
      reseller:
        e.SEQR_RESELLER_ID && e.SEQR_RESELLER_PASSWORD
          ? { id: e.SEQR_RESELLER_ID, userId: e.SEQR_RESELLER_USER_ID ?? (e.SEQR_RESELLER_ID.includes('/') ? undefined : '9900'), password: e.SEQR_RESELLER_PASSWORD }
          : undefined,
    },
    payments: {
      ttlMs: e.PAYMENT_TTL_S * 1000,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      abandonAfterMs: e.ORDER_ABANDON_AFTER_S * 1000,
      dayClose: e.DAY_CLOSE_AT ? { at: parseDayCloseAt(e.DAY_CLOSE_AT)!, timeZone: e.SHOP_TIME_ZONE } : undefined,
      statusStreams: { perOrder: e.STATUS_STREAMS_PER_ORDER, perProcess: e.STATUS_STREAMS_MAX },
    },
    timeZone: e.SHOP_TIME_ZONE,
    adminPassword: e.ADMIN_PASSWORD ?? (usesSandbox ? DEMO_ADMIN_PASSWORD : undefined),
    sessionSecret: e.SESSION_SECRET,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    appReturnUrlPrefixes,
    idempotencyClaimMs: e.IDEMPOTENCY_CLAIM_S !== undefined ? e.IDEMPOTENCY_CLAIM_S * 1000 : Math.max(DEFAULT_IDEMPOTENCY_CLAIM_MS, 3 * e.SEQR_TIMEOUT_MS),
    mail: {
      smtpUrl: e.SMTP_URL ?? `smtp://localhost:${e.MAIL_CATCHER_SMTP_PORT}`,
      from: e.MAIL_FROM,
      startsLocalCatcher: e.SMTP_URL === undefined,
      catcherSmtpPort: e.MAIL_CATCHER_SMTP_PORT,
      catcherHttpPort: e.MAIL_CATCHER_HTTP_PORT,
      catcherBaseUrl: `http://localhost:${e.MAIL_CATCHER_HTTP_PORT}`,
    },
    seller: { name: e.SHOP_NAME, orgNr: e.SHOP_ORG_NR, vatNr: e.SHOP_VAT_NR, address: e.SHOP_ADDRESS, email: e.SHOP_EMAIL, phone: e.SHOP_PHONE },
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
