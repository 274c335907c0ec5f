// A shopper over plain HTTP, for the multi-instance tests and the benchmark: it calls the shop's real
// server actions the way React does in the browser (a `next-action` header and the arguments encoded
// as React's reply FormData), with its own cookie jar. Action ids come from the production build.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/lib/production-build';

type Manifest = { node: Record<string, { filename: string; exportedName: string }> };

/** `exportedName → action id` of every server action in the current build. */
export function serverActionIds(): Record<string, string> {
  const file = path.join(ROOT, '.next', 'server', 'server-reference-manifest.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: build the shop first (next build).`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  return Object.fromEntries(Object.entries(manifest.node).map(([id, entry]) => [entry.exportedName, id]));
}

/** What a shopper types into the checkout form (shipping: the pickup point, 49 kr). */
export const CHECKOUT_DETAILS = {
  name: 'Anna Svensson',
  email: 'anna@example.se',
  phone: '070-123 45 67',
  street: 'Storgatan 1',
  postcode: '123 45',
  city: 'Stockholm',
  shipping: 'PICKUP_POINT',
};

export class HttpShopper {
  private cookies = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    private readonly actions: Record<string, string> = serverActionIds(),
  ) {}

  /** Use another instance of the same shop (the cookies stay: one shopper, a load balancer). */
  via(baseUrl: string): HttpShopper {
    const other = new HttpShopper(baseUrl, this.actions);
    other.cookies = this.cookies;
    return other;
  }

  /** The shopper's cookies as a Cookie header (Lighthouse sends it with each page). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      if (at > 0) this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
  }

  /** Calls a `(previousState, formData)` server action on the page that hosts it. */
  async action(name: string, page: string, fields: Record<string, string>): Promise<{ status: number; redirect: string | null; body: string }> {
    const id = this.actions[name];
    if (!id) throw new Error(`The build has no server action named ${name}.`);
    const form = new FormData();
    // React's encodeReply: the FormData argument's fields as `_1_<name>`, then the argument list
    // as part "0". The order matters: the server reads part "0" as soon as it streams in.
    for (const [key, value] of Object.entries(fields)) form.set(`_1_${key}`, value);
    form.set('0', JSON.stringify([{ status: 'idle' }, '$K1']));
    const response = await fetch(`${this.baseUrl}${page}`, {
      method: 'POST',
      headers: { 'next-action': id, accept: 'text/x-component', cookie: this.cookieHeader() },
      body: form,
      redirect: 'manual',
    });
    this.remember(response);
    const redirect = response.headers.get('x-action-redirect');
    return { status: response.status, redirect: redirect ? redirect.split(';')[0]! : null, body: await response.text() };
  }

  async addToCart(slug: string, quantity = 1): Promise<void> {
    const result = await this.action('addToCartAction', `/products/${slug}`, { slug, quantity: String(quantity) });
    if (result.status !== 200 || !result.body.includes('"status":"ok"')) throw new Error(`Adding ${slug} to the cart failed: HTTP ${result.status} ${result.body.slice(0, 300)}`);
  }

  /** "Pay with SEQR" with the checkout form's details: returns the order token from the redirect to the pay page. */
  async checkout(email = '', details: Partial<Record<keyof typeof CHECKOUT_DETAILS, string>> = {}): Promise<string> {
    const result = await this.action('checkoutAction', '/cart', { ...CHECKOUT_DETAILS, ...(email ? { email } : {}), ...details });
    const token = result.redirect && /^\/pay\/([A-Za-z0-9_-]+)$/.exec(result.redirect)?.[1];
    if (!token) throw new Error(`Checkout did not lead to a pay page: HTTP ${result.status} ${result.body.slice(0, 300)}`);
    return token;
  }

  async status(token: string): Promise<{ orderStatus: string; canRetry: boolean; attempt: null | { status: string; invoiceReference: string | null; number: number } }> {
    const response = await fetch(`${this.baseUrl}/api/orders/${token}/status`, { headers: { cookie: this.cookieHeader() } });
    if (!response.ok) throw new Error(`Status of ${token}: HTTP ${response.status} ${await response.text()}`);
    return response.json() as Promise<never>;
  }

  /** "Try again" on the pay page: a plain form POST; returns where it sends the shopper. */
  async retry(token: string): Promise<{ status: number; redirect: string | null }> {
    const response = await fetch(`${this.baseUrl}/api/orders/${token}/retry`, { method: 'POST', headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    return { status: response.status, redirect: response.headers.get('location') };
  }
}
