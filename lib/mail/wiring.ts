// The production mail loop, once per process (beside the payment sweeper), and the kick that makes
// it run at once. Both live on globalThis: Next bundles this module several times, and a payment
// confirmed in a route handler's copy must wake the loop that instrumentation started.
import { randomUUID } from 'node:crypto';
import { getConfig } from '../config';
import { getDb } from '../db';
import { startMailLoop, type MailPorts } from './outbox';
import { smtpTransport } from './transport';

const globalForMail = globalThis as typeof globalThis & { __seqrShopMail?: { stop(): void; kick(): void } };

export function productionMailPorts(): MailPorts {
  const config = getConfig();
  return {
    db: getDb(),
    clock: { now: () => new Date() },
    transport: smtpTransport(config.mail.smtpUrl),
    settings: { from: config.mail.from, publicBaseUrl: config.publicBaseUrl, timeZone: config.timeZone },
    owner: `${process.pid}-${randomUUID().slice(0, 8)}`,
    log: (line) => console.error(line),
  };
}

/** Start this process's mail loop once. */
export function startMailer(intervalMs: number): { stop(): void; kick(): void } {
  if (globalForMail.__seqrShopMail) return globalForMail.__seqrShopMail;
  const loop = startMailLoop(productionMailPorts(), intervalMs);
  globalForMail.__seqrShopMail = {
    kick: loop.kick,
    stop() {
      loop.stop();
      globalForMail.__seqrShopMail = undefined;
    },
  };
  return globalForMail.__seqrShopMail;
}

/** Something an e-mail is derived from just changed: run a mail pass now (no-op without a loop). */
export function kickMailer(): void {
  globalForMail.__seqrShopMail?.kick();
}
