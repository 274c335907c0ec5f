// lib/mail: the shop's e-mails. Derived from durable state into an outbox (outbox.ts), sent over SMTP
// (transport.ts) by a loop in every shop process (wiring.ts), written from templates (templates.ts).
export { deriveMails, mailPass, MAX_TRIES, retryDelayMs, sendDueMails, startMailLoop, type MailPorts } from './outbox';
export { mailSellerName } from './seller';
export { receiptMail, refundMail, shippedMail, type ReceiptMailData, type RefundMailData, type RenderedMail, type ShippedMailData } from './templates';
export { smtpTransport, type MailTransport, type OutgoingMail } from './transport';
export { kickMailer, productionMailPorts, startMailer } from './wiring';
