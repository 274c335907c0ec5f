// A real nginx (Debian's package) in front of shop instances, for the proxy test: deploy/nginx.conf
// as it is, with only its site values replaced (name, ports, certificate, upstreams, log file), on
// free loopback ports, unprivileged (as www-data when we are root), with a self-signed certificate
// for `localhost` made here with openssl.
//
//   const tls = makeSelfSignedCertificate(dir);            // tls.certFile for NODE_EXTRA_CA_CERTS
//   const proxy = await startNginx({ tls, upstreams: [3000, 3001] });
//   proxy.url                 → https://localhost:<port>
//   proxy.accessLog()         → the lines nginx wrote so far (upstream=… names the instance)
//   await proxy.stop();
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { stopChild } from './child-process';
import { freePort } from './ports';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const DEPLOY_CONFIG = path.join(ROOT, 'deploy', 'nginx.conf');
const NGINX = '/usr/sbin/nginx';
const UNPRIVILEGED_USER = 'www-data';

export type Tls = { dir: string; certFile: string; keyFile: string; certificate: string; /** base64 SHA-256 of the key (Chromium's --ignore-certificate-errors-spki-list). */ spkiHash: string };

/** A self-signed certificate for localhost and 127.0.0.1, valid for two days. */
export function makeSelfSignedCertificate(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-shop-tls-'))): Tls {
  const certFile = path.join(dir, 'shop.pem');
  const keyFile = path.join(dir, 'shop.key');
  const result = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl could not make the test certificate: ${result.stderr || result.error?.message}`);
  const certificate = fs.readFileSync(certFile, 'utf8');
  const spki = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
  return { dir, certFile, keyFile, certificate, spkiHash: createHash('sha256').update(spki).digest('base64') };
}

/** Replaces `from` in `text`, which must occur exactly `times` times: the deploy config changed otherwise. */
function replaceExactly(text: string, from: string | RegExp, to: string, times: number): string {
  const pattern = typeof from === 'string' ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g') : new RegExp(from.source, 'gm');
  const found = text.match(pattern)?.length ?? 0;
  if (found !== times) throw new Error(`deploy/nginx.conf: expected ${times} × ${String(from)}, found ${found}; update tests/helpers/nginx.ts with the config.`);
  return text.replace(pattern, () => to);
}

/** deploy/nginx.conf with this site's values: only the values its header says to change. */
export function siteConfig(opts: { port: number; httpPort: number; tls: Tls; upstreams: number[]; accessLog: string }): string {
  let text = fs.readFileSync(DEPLOY_CONFIG, 'utf8');
  const servers = opts.upstreams.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=3s;`).join('\n');
  text = replaceExactly(text, '    server 127.0.0.1:3000 max_fails=1 fail_timeout=3s;\n    server 127.0.0.1:3001 max_fails=1 fail_timeout=3s;', servers, 1);
  text = replaceExactly(text, 'listen 80;', `listen 127.0.0.1:${opts.httpPort};`, 1);
  text = replaceExactly(text, 'listen 443 ssl http2;', `listen 127.0.0.1:${opts.port} ssl http2;`, 1);
  text = replaceExactly(text, 'server_name shop.example.com;', 'server_name localhost;', 2);
  text = replaceExactly(text, 'https://shop.example.com$request_uri', `https://localhost:${opts.port}$request_uri`, 1);
  text = replaceExactly(text, '/etc/ssl/certs/shop.example.com.pem', opts.tls.certFile, 1);
  text = replaceExactly(text, '/etc/ssl/private/shop.example.com.key', opts.tls.keyFile, 1);
  text = replaceExactly(text, '/var/log/nginx/seqr-shop.access.log', opts.accessLog, 1);
  return text;
}

export interface Nginx {
  port: number;
  httpPort: number;
  /** https://localhost:<port>: what PUBLIC_BASE_URL says. */
  url: string;
  dir: string;
  accessLog(): string[];
  errorLog(): string;
  stop(): Promise<void>;
}

export async function startNginx(opts: { tls: Tls; upstreams: number[] }): Promise<Nginx> {
  if (!fs.existsSync(NGINX)) throw new Error(`nginx is not installed (${NGINX}): run "apt-get install nginx" (npm test does this when run as root).`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-shop-nginx-'));
  const [port, httpPort] = [await freePort(), await freePort()];
  const accessLog = path.join(dir, 'access.log');
  const errorLog = path.join(dir, 'error.log');
  fs.writeFileSync(path.join(dir, 'site.conf'), siteConfig({ port, httpPort, tls: opts.tls, upstreams: opts.upstreams, accessLog }));
  // The main config a distribution would have, with everything nginx writes kept in our folder.
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${errorLog} info;`,
      'events { worker_connections 1024; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      `  access_log ${dir}/other.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind}_temp;`),
      `  include ${dir}/site.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  // Unprivileged: as root, nginx runs as www-data, which must own the folder and read the key.
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { uid: Number(execFileSync('id', ['-u', UNPRIVILEGED_USER], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', UNPRIVILEGED_USER], { encoding: 'utf8' })) } : {};
  if (asRoot) execFileSync('chown', ['-R', `${UNPRIVILEGED_USER}:`, dir, opts.tls.dir]);
  const args = ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog];
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8', ...user });
  if (check.status !== 0) throw new Error(`nginx refused the configuration:\n${check.stderr}`);

  let output = '';
  const child: ChildProcess = spawn(NGINX, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  // SIGTERM, not SIGKILL, when this process ends early: a killed master would leave its worker listening.
  const guard = () => child.kill('SIGTERM');
  process.once('exit', guard);
  child.once('exit', () => process.off('exit', guard));
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start:\n${output}\n${fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : ''}`);
    // Asked on the plain http port, which nginx answers itself (the redirect to https): a request
    // passed upstream now, before the instances listen, would mark them failed for a while.
    if (await redirectAnswers(httpPort)) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer on port ${port} within 15 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    httpPort,
    url: `https://localhost:${port}`,
    dir,
    accessLog: () => (fs.existsSync(accessLog) ? fs.readFileSync(accessLog, 'utf8').split('\n').filter(Boolean) : []),
    errorLog: () => (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : ''),
    async stop() {
      await stopChild(child, 'SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True once nginx answers on its plain http port. */
async function redirectAnswers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual', headers: { host: 'localhost' } });
    return response.status === 308;
  } catch {
    return false;
  }
}

export type HttpsAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/**
 * One request through the proxy, trusting only the test certificate (Node's fetch cannot be given a
 * CA). Answers are read whole, except event streams: `untilBody` stops reading once it matches.
 */
export function httpsRequest(url: string, ca: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; untilBody?: RegExp; timeoutMs?: number } = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    // The certificate is checked against the URL's host, also when a test forges the Host header.
    const request = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca, servername: new URL(url).hostname, checkServerIdentity: (_host, cert) => tls.checkServerIdentity(new URL(url).hostname, cert), timeout: init.timeoutMs ?? 30_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      response.on('data', (chunk: string) => {
        body += chunk;
        if (init.untilBody?.test(body)) {
          done();
          request.destroy();
        }
      });
      response.on('end', done);
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${init.method ?? 'GET'} ${url}: no answer within ${init.timeoutMs ?? 30_000} ms`)));
    request.on('error', reject);
    request.end(init.body);
  });
}

/** `fetch` for code that takes one (the app API helper), over httpsRequest: the test certificate trusted. */
export function httpsFetch(ca: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const body = init.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : Buffer.from(init.body as Uint8Array);
    const answer = await httpsRequest(String(input), ca, { method: init.method, headers, body });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) for (const each of [value ?? []].flat()) responseHeaders.append(name, each);
    return new Response([204, 304].includes(answer.status) ? null : answer.body, { status: answer.status, headers: responseHeaders });
  }) as typeof fetch;
}
