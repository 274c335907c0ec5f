// Measure 6 of `npm run bench`: 200 shoppers check out the last 10 units of one product at once,
// over HTTP on both shop instances (carts filled on one, checkout on the other), then every invoice
// they got is paid. Oversold = units sold or held beyond the 10 there were; it must be 0.
import { CHECKOUT_DETAILS, HttpShopper, serverActionIds } from '../../tests/helpers/shopper';
import type { Stack } from './bench-stack';
import { mapLimit, round, waitUntil } from './bench-stats';

export interface StockResult {
  shoppers: number;
  units: number;
  slug: string;
  /** Wall time of the 200 concurrent checkouts, ms. */
  durationMs: number;
  issued: number;
  paid: number;
  soldOut: number;
  failures: number;
  errors: string[];
  oversold: number;
}

/** Before the other measures: plenty of every product, so stock never limits them. */
export async function stockUnlimited(stack: Stack): Promise<void> {
  await stack.db.query('UPDATE "Product" SET "stockOnHand" = "stockReserved" + 1000000');
}

export async function measureStock(stack: Stack, options: { shoppers: number; units: number; slug: string }): Promise<StockResult> {
  const { shoppers, units, slug } = options;
  const actions = serverActionIds();
  // Exactly `units` left, whatever earlier measures hold open.
  await stack.db.query('UPDATE "Product" SET "stockOnHand" = "stockReserved" + $1 WHERE "slug" = $2', [units, slug]);
  const [before] = (await stack.db.query<{ onhand: number; reserved: number }>('SELECT "stockOnHand" AS onhand, "stockReserved" AS reserved FROM "Product" WHERE "slug" = $1', [slug])).rows;
  const customers = Array.from({ length: shoppers }, (_, i) => ({ i, shopper: new HttpShopper(stack.shops[i % 2]!.url, actions) }));
  await mapLimit(customers, 16, ({ shopper }) => shopper.addToCart(slug, 1));

  const tokens: string[] = [];
  const errors: string[] = [];
  let soldOut = 0;
  const started = performance.now();
  await Promise.all(
    customers.map(async ({ i, shopper }) => {
      const other = shopper.via(stack.shops[(i + 1) % 2]!.url);
      const result = await other.action('checkoutAction', '/cart', CHECKOUT_DETAILS).catch((error: unknown) => ({ status: 0, redirect: null, body: String(error) }));
      const token = result.redirect && /^\/pay\/([A-Za-z0-9_-]+)$/.exec(result.redirect)?.[1];
      if (token) tokens.push(token);
      else if (/sold out|Only \d+ left/.test(result.body)) soldOut++;
      else if (errors.length < 5) errors.push(`HTTP ${result.status} ${result.body.replace(/\s+/g, ' ').slice(0, 120)}`);
    }),
  );
  const durationMs = round(performance.now() - started, 0);

  // Pay every invoice the shoppers got, then wait until the shops have them PAID.
  const issuedRows = (
    await stack.db.query<{ reference: string }>(
      `SELECT a."invoiceReference" AS reference FROM "PaymentAttempt" a JOIN "Order" o ON o."id" = a."orderId" WHERE o."publicToken" = ANY($1) AND a."invoiceReference" IS NOT NULL AND a."status" = 'ISSUED'`,
      [tokens],
    )
  ).rows;
  await mapLimit(issuedRows, 8, ({ reference }) => stack.sandbox.control.pay(reference).catch(() => undefined));
  const paidCount = async () =>
    Number((await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM "Order" WHERE "publicToken" = ANY($1) AND "status" = 'PAID'`, [tokens])).rows[0]!.n);
  await waitUntil(async () => (await paidCount()) >= issuedRows.length, 60_000).catch(() => undefined);
  const [after] = (await stack.db.query<{ onhand: number; reserved: number }>('SELECT "stockOnHand" AS onhand, "stockReserved" AS reserved FROM "Product" WHERE "slug" = $1', [slug])).rows;
  // Sold = on hand taken; held = what open invoices still reserve beyond the earlier measures'.
  const sold = before!.onhand - after!.onhand;
  const held = after!.reserved - before!.reserved;
  return {
    shoppers,
    units,
    slug,
    durationMs,
    issued: issuedRows.length,
    paid: await paidCount(),
    soldOut,
    failures: shoppers - tokens.length - soldOut,
    errors,
    oversold: Math.max(0, sold + held - units, tokens.length - units),
  };
}
