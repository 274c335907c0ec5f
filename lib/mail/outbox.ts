// The durable outbox. E-mails are derived from durable state, never queued by the code that changed
// it: a pass finds every paid payment of an order with an e-mail address that has no RECEIPT row yet
// (`receipt:<attemptId>`), every SUCCEEDED refund with no REFUND row (`refund:<refundId>`) and every
// shipped order with no SHIPPED row (`shipped:<orderId>`),
// renders the mail and inserts it. A crash anywhere can therefore not lose a mail (the next pass
// derives it again), and the unique dedupeKey cannot make two. Then the pass sends what is due:
// each row is leased by compare-and-set before the SMTP call, so several shop processes never send
// the same message at once. A failed send (server down, 4xx, 5xx) is retried with backoff and never
// touches the payment; after MAX_TRIES the row is FAILED with its lastError, shown in the back office.
// A process that dies mid-send leaves a lease that runs out: the message is sent again, with the same
// Message-ID, so a receiving system can tell it is the same message (at least once, never lost).
import { Prisma, type MailKind, type PrismaClient } from '../generated/prisma/client';
import { findOrderById } from '../orders';
import { RECEIPT_ORDER } from '../payments/transitions';
import { shippingNameKey } from '../checkout/shipping';
import { receiptMail, refundMail, shippedMail, type RenderedMail } from './templates';
import type { MailTransport } from './transport';
import { isLocale, translator } from '../i18n';

export type MailPorts = {
  db: PrismaClient;
  clock: { now(): Date };
  transport: MailTransport;
  settings: {
    /** The From header. */
    from: string;
    /** For the link to the order's pages. */
    publicBaseUrl: string;
    /** Times in mails are shown in this zone. */
    timeZone: string;
  };
  /** Who holds the leases (one per process). */
  owner: string;
  log?: (line: string) => void;
};

/** A send has this long before another process may try the same row (SMTP timeouts are far shorter). */
export const MAIL_LEASE_MS = 120_000;
/** Tries before a message is given up (about a day of backoff in all). */
export const MAX_TRIES = 15;
const BATCH = 20;

/** Wait before try n+1 after n failed tries: 5 s, 10 s, 20 s … at most an hour. */
export function retryDelayMs(failedTries: number): number {
  return Math.min(5000 * 2 ** Math.max(0, failedTries - 1), 3_600_000);
}

/** Mail for an order links the shopper's order page (status, delivery, receipt). */
const orderUrl = (ports: MailPorts, token: string) => `${ports.settings.publicBaseUrl}/orders/${token}`;

/** The Message-ID of an outbox row: stable, so every try of the row carries the same one. */
function messageIdFor(rowId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'seqr-shop.localhost';
  return `<${rowId}@${domain}>`;
}

type NewMail = { dedupeKey: string; kind: MailKind; orderId: string; to: string; mail: RenderedMail };

async function insertMails(ports: MailPorts, mails: NewMail[], newId: () => string): Promise<number> {
  if (mails.length === 0) return 0;
  const now = ports.clock.now();
  const { count } = await ports.db.mailMessage.createMany({
    data: mails.map((m) => {
      const id = newId();
      return { id, dedupeKey: m.dedupeKey, kind: m.kind, orderId: m.orderId, to: m.to, ...m.mail, messageId: messageIdFor(id, ports.settings.from), nextTryAt: now, createdAt: now };
    }),
    skipDuplicates: true, // a racing pass inserted it first: one mail either way
  });
  return count;
}

/** Derive the mails the durable state asks for and that have no outbox row yet. Returns how many were added. */
export async function deriveMails(ports: MailPorts, newId: () => string = () => crypto.randomUUID()): Promise<number> {
  const db = ports.db;
  const receiptStatuses = Prisma.join(RECEIPT_ORDER.map((status) => Prisma.sql`${status}`));
  // A receipt only for a payment the shopper is shown as a receipt (not one under review).
  const paid = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT a."id"::text AS "id" FROM "PaymentAttempt" a JOIN "Order" o ON o."id" = a."orderId"
     WHERE a."status" = 'PAID' AND a."paidAt" IS NOT NULL AND a."ersReference" IS NOT NULL
       AND o."email" IS NOT NULL AND o."status"::text IN (${receiptStatuses}) AND o."reviewReason" IS NULL
       AND NOT EXISTS (SELECT 1 FROM "MailMessage" m WHERE m."dedupeKey" = 'receipt:' || a."id"::text)
     ORDER BY a."paidAt" LIMIT ${BATCH}`);
  const refunds = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT r."id"::text AS "id" FROM "Refund" r JOIN "Order" o ON o."id" = r."orderId"
     WHERE r."status" = 'SUCCEEDED' AND o."email" IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "MailMessage" m WHERE m."dedupeKey" = 'refund:' || r."id"::text)
     ORDER BY r."createdAt" LIMIT ${BATCH}`);
  const shipped = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT o."id"::text AS "id" FROM "Order" o
     WHERE o."shippedAt" IS NOT NULL AND o."email" IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "MailMessage" m WHERE m."dedupeKey" = 'shipped:' || o."id"::text)
     ORDER BY o."shippedAt" LIMIT ${BATCH}`);

  const mails: NewMail[] = [];
  for (const { id } of paid) {
    const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { id } });
    const order = await findOrderById(attempt.orderId, db);
    const contact = await db.order.findUniqueOrThrow({ where: { id: attempt.orderId }, select: { email: true, locale: true } });
    if (!order || !contact.email || !attempt.paidAt || !attempt.ersReference) continue;
    const locale = isLocale(contact.locale) ? contact.locale : 'en';
    mails.push({
      dedupeKey: `receipt:${id}`,
      kind: 'RECEIPT',
      orderId: order.id,
      to: contact.email,
      mail: receiptMail({
        locale,
        orderNumber: order.number,
        orderUrl: orderUrl(ports, order.publicToken),
        timeZone: ports.settings.timeZone,
        // The shipping is a priced line of the order, as on the receipt page.
        lines: order.shipping
          ? [...order.lines, { name: translator(locale)(shippingNameKey(order.shipping.method)), quantity: 1, lineTotalOre: order.shipping.priceOre }]
          : order.lines,
        vat: order.vat,
        delivery: order.delivery,
        totalOre: attempt.paidAmountOre ?? order.totalOre,
        paidAt: attempt.paidAt,
        ersReference: attempt.ersReference,
      }),
    });
  }
  for (const { id } of refunds) {
    const refund = await db.refund.findUniqueOrThrow({ where: { id } });
    const order = await db.order.findUniqueOrThrow({ where: { id: refund.orderId }, select: { id: true, number: true, publicToken: true, email: true, locale: true, paidOre: true } });
    if (!order.email) continue;
    // What remained right after this refund: later refunds do not change this mail.
    const refundedSoFar = await db.refund.aggregate({ where: { orderId: order.id, status: 'SUCCEEDED', createdAt: { lte: refund.createdAt } }, _sum: { amountOre: true } });
    const locale = isLocale(order.locale) ? order.locale : 'en';
    mails.push({
      dedupeKey: `refund:${id}`,
      kind: 'REFUND',
      orderId: order.id,
      to: order.email,
      mail: refundMail({
        locale,
        orderNumber: order.number,
        orderUrl: orderUrl(ports, order.publicToken),
        timeZone: ports.settings.timeZone,
        amountOre: refund.amountOre,
        remainingOre: Math.max(0, order.paidOre - (refundedSoFar._sum.amountOre ?? 0)),
        refundedAt: refund.updatedAt,
        ersReference: refund.ersReference,
      }),
    });
  }
  for (const { id } of shipped) {
    const order = await db.order.findUniqueOrThrow({ where: { id }, select: { id: true, number: true, publicToken: true, email: true, locale: true, shippedAt: true, carrier: true, trackingNumber: true } });
    if (!order.email || !order.shippedAt) continue;
    const locale = isLocale(order.locale) ? order.locale : 'en';
    mails.push({
      dedupeKey: `shipped:${id}`,
      kind: 'SHIPPED',
      orderId: order.id,
      to: order.email,
      mail: shippedMail({
        locale,
        orderNumber: order.number,
        orderUrl: orderUrl(ports, order.publicToken),
        timeZone: ports.settings.timeZone,
        carrier: order.carrier ?? '',
        trackingNumber: order.trackingNumber ?? '',
        shippedAt: order.shippedAt,
      }),
    });
  }
  return insertMails(ports, mails, newId);
}

/** Send the outbox rows that are due (as of `at`, default now). Returns how many were sent and failed. */
export async function sendDueMails(ports: MailPorts, at?: Date): Promise<{ sent: number; failed: number }> {
  const db = ports.db;
  const now = at ?? ports.clock.now();
  const due = await db.mailMessage.findMany({
    where: { status: 'PENDING', nextTryAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    orderBy: { nextTryAt: 'asc' },
    take: BATCH,
  });
  let sent = 0;
  let failed = 0;
  for (const candidate of due) {
    // The lease: only one process (or pass) wins the row; it counts the try before the call, so a
    // message that kills its sender is still given up after MAX_TRIES.
    const { count } = await db.mailMessage.updateMany({
      where: { id: candidate.id, status: 'PENDING', tries: candidate.tries, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner: ports.owner, leaseUntil: new Date(now.getTime() + MAIL_LEASE_MS), tries: { increment: 1 } },
    });
    if (count !== 1) continue;
    const tries = candidate.tries + 1;
    try {
      await ports.transport.send({ from: ports.settings.from, to: candidate.to, subject: candidate.subject, html: candidate.html, text: candidate.text, messageId: candidate.messageId });
    } catch (error) {
      failed++;
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const givingUp = tries >= MAX_TRIES;
      await db.mailMessage.updateMany({
        where: { id: candidate.id, leaseOwner: ports.owner },
        data: { status: givingUp ? 'FAILED' : 'PENDING', lastError, nextTryAt: new Date(ports.clock.now().getTime() + retryDelayMs(tries)), leaseOwner: null, leaseUntil: null },
      });
      ports.log?.(`[mail] ${candidate.dedupeKey} to ${candidate.to}: try ${tries} failed (${lastError})${givingUp ? '; given up' : ''}.`);
      continue;
    }
    sent++;
    await db.mailMessage.updateMany({
      where: { id: candidate.id, leaseOwner: ports.owner },
      data: { status: 'SENT', sentAt: ports.clock.now(), leaseOwner: null, leaseUntil: null },
    });
  }
  return { sent, failed };
}

/** One mail pass: derive what is owed, then send what is due. */
export async function mailPass(ports: MailPorts, at?: Date): Promise<{ derived: number; sent: number; failed: number }> {
  const derived = await deriveMails(ports);
  return { derived, ...(await sendDueMails(ports, at)) };
}

/**
 * The mail loop of one process: a pass every interval, and at once when kicked (a payment was just
 * confirmed), so the receipt goes out within a second. Passes never overlap within a process; a kick
 * during a pass runs another right after it.
 */
export function startMailLoop(ports: MailPorts, intervalMs: number): { stop(): void; kick(): void } {
  let stopped = false;
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void mailPass(ports)
      .catch((error: unknown) => ports.log?.(`[mail] pass failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = false;
        if (stopped) return;
        if (again) {
          again = false;
          run();
        } else timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, intervalMs);
  return {
    kick: run,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
