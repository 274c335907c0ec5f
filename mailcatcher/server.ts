// The development mail catcher: a real SMTP server (smtp-server) that accepts every message and
// keeps it durably under <dataDir>/mail (one .eml file each, written and synced before SMTP's 250),
// and an HTTP page listing what was sent (subject, to, time) and showing each message, HTML and text.
// It knows nothing of the shop: the shop only talks SMTP to it, as it would to a real server.
// For tests, POST /api/faults {"rejectWith": 451} makes it refuse messages with that SMTP code.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type MailCatcherOptions = {
  smtpPort: number;
  httpPort: number;
  dataDir: string;
  /** Largest message accepted, in bytes. */
  maxBytes?: number;
};

export type CaughtMessage = {
  id: string;
  receivedAt: string;
  messageId: string | null;
  from: string;
  to: string;
  subject: string;
  html: string | null;
  text: string | null;
};

export type RunningMailCatcher = {
  smtpPort: number;
  httpPort: number;
  url: string;
  close(): Promise<void>;
};

const ID = /^\d{13}-[0-9a-f-]{36}$/;
const MAX_BYTES = 10 * 1024 * 1024;

/** Times as the shop's people read them: Stockholm time. */
const localTime = (iso: string) => new Date(iso).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' });

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Write a file so that it survives a crash once this returns: temp file, fsync, rename, fsync the folder. */
function writeDurably(dir: string, name: string, data: Buffer): void {
  const temp = path.join(dir, `.${name}.tmp`);
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, path.join(dir, name));
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}

export async function startMailCatcher(options: MailCatcherOptions): Promise<RunningMailCatcher> {
  const dir = path.join(options.dataDir, 'mail');
  fs.mkdirSync(dir, { recursive: true });
  const parsed = new Map<string, CaughtMessage>();
  let rejectWith: number | null = null;

  async function read(id: string): Promise<CaughtMessage | null> {
    if (!ID.test(id)) return null;
    const cached = parsed.get(id);
    if (cached) return cached;
    let raw: Buffer;
    try {
      raw = fs.readFileSync(path.join(dir, `${id}.eml`));
    } catch {
      return null;
    }
    const mail = await simpleParser(raw);
    const addressText = (value: typeof mail.to) => (Array.isArray(value) ? value.map((a) => a.text).join(', ') : (value?.text ?? ''));
    const message: CaughtMessage = {
      id,
      receivedAt: new Date(Number(id.slice(0, 13))).toISOString(),
      messageId: mail.messageId ?? null,
      from: addressText(mail.from),
      to: addressText(mail.to),
      subject: mail.subject ?? '',
      html: typeof mail.html === 'string' ? mail.html : null,
      text: mail.text ?? null,
    };
    parsed.set(id, message);
    return message;
  }

  async function list(): Promise<CaughtMessage[]> {
    const ids = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => name.slice(0, -4))
      .sort()
      .reverse();
    const messages: CaughtMessage[] = [];
    for (const id of ids) {
      const message = await read(id);
      if (message) messages.push(message);
    }
    return messages;
  }

  const smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'], // local only: plain SMTP
    size: options.maxBytes ?? MAX_BYTES,
    logger: false,
    banner: 'seqr-shop mail catcher',
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anyone' }); // any credentials: it is a catcher
    },
    onMailFrom(_address, _session, callback) {
      if (rejectWith === null) return callback();
      const error = Object.assign(new Error(`Refused for the test (${rejectWith}).`), { responseCode: rejectWith });
      callback(error);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          return callback(Object.assign(new Error('The message is too large.'), { responseCode: 552 }));
        }
        try {
          writeDurably(dir, `${Date.now()}-${randomUUID()}.eml`, Buffer.concat(chunks));
          callback(null, 'Stored');
        } catch (error) {
          callback(Object.assign(new Error(`Could not store the message: ${(error as Error).message}`), { responseCode: 451 }));
        }
      });
    },
  });
  smtp.on('error', (error) => console.error(`[mail catcher] SMTP: ${error.message}`));

  const page = (title: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    '<style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;width:100%}' +
    'th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc;vertical-align:top}a{color:#0b4f8a}iframe{width:100%;height:36rem;border:1px solid #ccc}' +
    'pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}dt{font-weight:600}</style></head><body>' +
    body +
    '</body></html>';

  const http_ = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const send = (status: number, type: string, body: string) => {
        response.writeHead(status, {
          'content-type': type,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          // The messages' HTML is shown in a sandboxed frame: no scripts run, nothing is loaded.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'",
        });
        response.end(body);
      };
      const json = (status: number, value: unknown) => send(status, 'application/json; charset=utf-8', JSON.stringify(value));
      if (request.method === 'GET' && url.pathname === '/api/messages') return json(200, { messages: await list() });
      const apiOne = /^\/api\/messages\/([^/]+)$/.exec(url.pathname);
      if (request.method === 'GET' && apiOne) {
        const message = await read(apiOne[1]!);
        return message ? json(200, message) : json(404, { error: 'No such message.' });
      }
      if (url.pathname === '/api/faults' && request.method === 'POST') {
        let body = '';
        for await (const chunk of request) {
          body += String(chunk);
          if (body.length > 1000) return json(413, { error: 'Too large.' });
        }
        const value = (JSON.parse(body || '{}') as { rejectWith?: unknown }).rejectWith;
        rejectWith = typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 600 ? value : null;
        return json(200, { rejectWith });
      }
      if (request.method === 'GET' && url.pathname === '/') {
        const messages = await list();
        const rows = messages
          .map(
            (m) =>
              `<tr><td><time datetime="${m.receivedAt}">${escapeHtml(localTime(m.receivedAt))}</time></td>` +
              `<td>${escapeHtml(m.to)}</td><td><a href="/messages/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
          )
          .join('');
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            'Mail catcher',
            `<h1>Mail catcher</h1><p>Every e-mail the shop sent in development (${messages.length}). Nothing here left this machine.</p>` +
              (messages.length === 0 ? '<p>No messages yet.</p>' : `<table><thead><tr><th>Time</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`),
          ),
        );
      }
      const one = /^\/messages\/([^/]+)$/.exec(url.pathname);
      if (request.method === 'GET' && one) {
        const m = await read(one[1]!);
        if (!m) return send(404, 'text/html; charset=utf-8', page('Not found', '<h1>No such message</h1><p><a href="/">All messages</a></p>'));
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            m.subject,
            `<p><a href="/">All messages</a></p><h1>${escapeHtml(m.subject)}</h1><dl><dt>From</dt><dd>${escapeHtml(m.from)}</dd><dt>To</dt><dd>${escapeHtml(m.to)}</dd>` +
              `<dt>Time</dt><dd><time datetime="${m.receivedAt}">${escapeHtml(localTime(m.receivedAt))}</time></dd><dt>Message-ID</dt><dd>${escapeHtml(m.messageId ?? '')}</dd></dl>` +
              (m.html ? `<h2>HTML</h2><iframe title="HTML version" sandbox="" srcdoc="${escapeHtml(m.html)}"></iframe>` : '') +
              `<h2>Text</h2><pre>${escapeHtml(m.text ?? '')}</pre>`,
          ),
        );
      }
      return json(404, { error: 'Not found.' });
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`The mail catcher failed: ${(error as Error).message}`);
    });
  });

  const listen = (server: { listen(port: number, cb: () => void): unknown; once(event: 'error', cb: (e: Error) => void): unknown }, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve());
    });
  await listen(smtp.server, options.smtpPort);
  try {
    await listen(http_, options.httpPort);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (http_.address() as AddressInfo).port;
  return {
    smtpPort,
    httpPort,
    url: `http://localhost:${httpPort}`,
    close: () =>
      Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), new Promise<void>((resolve) => http_.close(() => resolve()))]).then(() => undefined),
  };
}
