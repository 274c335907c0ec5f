// Sending one message over SMTP with nodemailer, to SMTP_URL (or the local mail catcher). A new
// connection per message: mails are few, and a broken connection can never hold up the next one.
import nodemailer from 'nodemailer';

export type OutgoingMail = { from: string; to: string; subject: string; html: string; text: string; messageId: string };

export type MailTransport = { send(mail: OutgoingMail): Promise<void> };

/** Rejects on any failure (no connection, timeout, a 4xx/5xx answer): the outbox retries. */
export function smtpTransport(smtpUrl: string, timeoutMs = 15_000): MailTransport {
  const transporter = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  return {
    async send(mail) {
      const info = await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, messageId: mail.messageId });
      if (info.rejected.length > 0) throw new Error(`The SMTP server refused ${mail.to}.`);
    },
  };
}
