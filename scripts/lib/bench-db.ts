// What the bench reads from the shop database: plain SQL over its own small pool, so the bench never
// shares lib/db's singleton or configuration with the shops it measures.
import type pg from 'pg';

export interface OrderPayment {
  token: string;
  orderId: string;
  orderStatus: string;
  /** The latest attempt, if any. */
  attemptStatus: string | null;
  invoiceReference: string | null;
  receiptSubmitted: boolean;
}

/** Orders by public token, each with its latest payment attempt. */
export async function orderPayments(db: pg.Pool, tokens: string[]): Promise<Map<string, OrderPayment>> {
  const { rows } = await db.query<{ token: string; orderId: string; orderStatus: string; attemptStatus: string | null; invoiceReference: string | null; receiptSubmitted: boolean }>(
    `SELECT DISTINCT ON (o.id)
            o."publicToken" AS token, o.id AS "orderId", o.status AS "orderStatus",
            a.status AS "attemptStatus", a."invoiceReference", a."receiptSubmittedAt" IS NOT NULL AS "receiptSubmitted"
       FROM "Order" o LEFT JOIN "PaymentAttempt" a ON a."orderId" = o.id
      WHERE o."publicToken" = ANY($1)
      ORDER BY o.id, a."attemptNumber" DESC NULLS LAST`,
    [tokens],
  );
  return new Map(rows.map((row) => [row.token, row]));
}

/** The order's PAID transition, if it happened: when (database clock) and which path saw it. */
export async function paidTransition(db: pg.Pool, orderId: string): Promise<{ at: Date; seenBy: string } | null> {
  const { rows } = await db.query<{ at: Date; message: string | null }>(
    `SELECT at, message FROM "OrderEvent" WHERE "orderId" = $1 AND kind = 'STATUS_CHANGE' AND "toStatus" = 'PAID' ORDER BY at LIMIT 1`,
    [orderId],
  );
  const row = rows[0];
  if (!row) return null;
  return { at: row.at, seenBy: /\(seen by ([\w-]+)\)/.exec(row.message ?? '')?.[1] ?? 'unknown' };
}

/** How long SEQR took to answer the last getPaymentStatus before the order's PAID transition (the one that saw it). */
export async function seeingCallMs(db: pg.Pool, orderId: string): Promise<number | null> {
  const { rows } = await db.query<{ durationMs: number }>(
    `SELECT "durationMs" FROM "OrderEvent"
      WHERE "orderId" = $1 AND kind = 'SEQR_CALL' AND operation = 'getPaymentStatus' AND "resultCode" = 0 AND "durationMs" IS NOT NULL
        AND at <= (SELECT at FROM "OrderEvent" WHERE "orderId" = $1 AND kind = 'STATUS_CHANGE' AND "toStatus" = 'PAID' ORDER BY at LIMIT 1)
      ORDER BY at DESC, id DESC LIMIT 1`,
    [orderId],
  );
  return rows[0]?.durationMs ?? null;
}

/** How long the shop's own sendInvoice calls took for these orders, as it logged them. */
export async function loggedDurations(db: pg.Pool, operation: string, orderIds: string[]): Promise<number[]> {
  const { rows } = await db.query<{ durationMs: number }>(
    `SELECT "durationMs" FROM "OrderEvent" WHERE kind = 'SEQR_CALL' AND operation = $1 AND "orderId" = ANY($2::uuid[]) AND "durationMs" IS NOT NULL`,
    [operation, orderIds],
  );
  return rows.map((row) => row.durationMs);
}
