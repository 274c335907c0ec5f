// The app API (/api/v1) over plain HTTP for the security and multi-instance tests: calls with any
// body, type and headers (well-formed or not), the checks every problem answer must pass, and a
// reader for the status stream (server-sent events).
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';

export type Answer = { status: number; headers: Headers; text: string; json: any };

export type CallOptions = {
  /** Sent as JSON (application/json unless `type` says otherwise). */
  body?: unknown;
  /** Sent as it is, instead of `body`. */
  raw?: string | Uint8Array<ArrayBuffer>;
  /** Content-Type; null sends none. */
  type?: string | null;
  lang?: 'sv' | 'en';
  key?: string;
  headers?: Record<string, string>;
};

/** What a shopper enters at the checkout (setCheckoutDetails). */
export const DETAILS = { name: 'Anna Svensson', email: 'anna@example.se', phone: '070-123 45 67', street: 'Storgatan 1', postcode: '123 45', city: 'Stockholm', shipping: 'PICKUP_POINT' };

/** Backs every createPayment of the tests: the order's token ends up in the invoice's backURL at SEQR. */
export const RETURN_URL = 'nordvik://orders/{orderToken}';

/** A response, read. */
export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `fetcher`: another fetch (one that trusts a test certificate, for the proxy test). */
export function appApi(baseUrl: string, fetcher: typeof fetch = fetch) {
  async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const type = options.type === undefined ? (payload === undefined ? null : 'application/json') : options.type;
    const headers: Record<string, string> = { 'accept-language': options.lang ?? 'en', ...(type ? { 'content-type': type } : {}), ...(options.key ? { 'idempotency-key': options.key } : {}), ...options.headers };
    return answerOf(await fetcher(`${baseUrl}${path}`, { method, headers, body: payload, redirect: 'manual' }));
  }

  async function ok(method: string, path: string, options: CallOptions = {}, status = 200): Promise<any> {
    const answer = await call(method, path, options);
    assert.equal(answer.status, status, `${method} ${path}: ${answer.text.slice(0, 300)}`);
    return answer.json;
  }

  return {
    url: baseUrl,
    call,
    ok,
    /** A cart with these items and, unless `details` is false, checkout details. */
    async cart(items: { slug: string; quantity: number }[], details: boolean | Record<string, string> = true): Promise<string> {
      const cart = await ok('POST', '/api/v1/carts', { body: { items } }, 201);
      if (details) await ok('PUT', `/api/v1/carts/${cart.id}/checkout-details`, { body: details === true ? DETAILS : details });
      return cart.id as string;
    },
    pay: (cartId: string, options: CallOptions = {}) => call('POST', '/api/v1/payments', { ...options, body: { cartId, returnUrl: RETURN_URL } }),
    state: (token: string, final = false) => ok('GET', `/api/v1/payments/${token}${final ? '?final=true' : ''}`),
  };
}
export type AppApi = ReturnType<typeof appApi>;

/** Text no answer may carry: a stack trace, a source path, a query, an internal class. */
const LEAK = /\n\s+at |node_modules|\/work\/|\.tsx?:\d+|PrismaClient|prisma\.|SELECT |INSERT |Error:|ECONNREFUSED/;

export function assertNoLeak(answer: Answer, what: string): void {
  assert.ok(!LEAK.test(answer.text), `${what}: the answer leaks internals: ${answer.text.slice(0, 300)}`);
  assert.ok(answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
}

/** English words that must not stand in a Swedish detail (zod's own sentences were English). */
const ENGLISH = /\b(expected|received|Invalid|Too (big|small)|Unrecognized|must|the|is not|not valid)\b/;

/**
 * An RFC 9457 problem of this status and stable type, with a title and a detail sentence in the
 * answer's language (the Content-Language it says), no internals, and only the Problem schema's fields.
 */
export function assertProblem(answer: Answer, status: number, type: string, what: string, lang: 'sv' | 'en' = 'sv'): any {
  assertNoLeak(answer, what);
  assert.equal(answer.status, status, `${what}: ${answer.text.slice(0, 300)}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, what);
  assert.equal(answer.headers.get('content-language'), lang, what);
  const body = answer.json;
  assert.ok(body && typeof body === 'object', `${what}: a JSON body`);
  assert.equal(body.type, `/api/v1/docs#problem-${type}`, `${what}: ${answer.text.slice(0, 300)}`);
  assert.equal(body.status, status, what);
  assert.ok(typeof body.title === 'string' && body.title.length > 3, `${what}: a title`);
  assert.ok(typeof body.detail === 'string' && /\S+ \S+ \S+/.test(body.detail) && !body.detail.includes('\n'), `${what}: a detail sentence, not ${JSON.stringify(body.detail)}`);
  if (lang === 'sv') assert.ok(!ENGLISH.test(body.detail), `${what}: the detail is Swedish: ${body.detail}`);
  for (const error of body.errors ?? []) {
    assert.match(error.pointer, /^\//, what);
    if (lang === 'sv') assert.ok(!ENGLISH.test(error.detail), `${what}: the field error is Swedish: ${error.detail}`);
  }
  assert.deepEqual(Object.keys(body).filter((k) => !['type', 'title', 'status', 'detail', 'instance', 'errors', 'payment'].includes(k)), [], `${what}: only the Problem schema's fields`);
  return body;
}

/** The same bad request in Swedish and in English: the same problem, a sentence in each language. */
export async function assertProblemInBoth(api: AppApi, method: string, path: string, options: CallOptions, status: number, type: string, what: string): Promise<any> {
  const sv = assertProblem(await api.call(method, path, { ...options, lang: 'sv' }), status, type, `${what} (sv)`, 'sv');
  const en = assertProblem(await api.call(method, path, { ...options, lang: 'en' }), status, type, `${what} (en)`, 'en');
  assert.notEqual(sv.detail, en.detail, `${what}: the detail is translated`);
  assert.equal(sv.title, en.title, `${what}: the title is the type's, in English`);
  return sv;
}

/** A raw HTTP/1.1 request, for what fetch refuses to send (control characters in a header). */
export function rawRequest(port: number, head: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = new net.Socket();
    let received = '';
    socket.connect(port, '127.0.0.1', () => socket.end(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`));
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0), text: received }));
  });
}

export type EventStream = { states: any[]; status: number; contentType: string; ended: Promise<void>; close(): void };

/** Opens streamPaymentState and collects each `data:` PaymentState as it arrives. */
export function openEventStream(baseUrl: string, token: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const states: any[] = [];
    let buffer = '';
    let finish: () => void = () => {};
    const ended = new Promise<void>((done) => (finish = done));
    const request = http.get(`${baseUrl}/api/v1/payments/${token}/events`, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => {
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        buffer += text;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
          if (data) states.push(JSON.parse(data));
        }
      });
      response.on('end', finish);
      response.on('close', finish);
      resolve({ states, status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), ended, close: () => request.destroy() });
    });
    request.on('error', (error) => (states.length ? finish() : reject(error)));
  });
}

export { sleep, waitFor } from './wait';
