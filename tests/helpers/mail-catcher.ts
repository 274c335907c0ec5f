// Starts the REAL development mail catcher (mailcatcher/main.ts) as a child process for tests, with
// a temporary DATA_DIR, and reads what it caught through its JSON API.
//
//   const catcher = await startMailCatcherProcess({ smtpPort });   // smtpPort 0 = any free port
//   await catcher.messages()          → every message it stored, newest first
//   await catcher.rejectWith(451)     → it refuses messages with that SMTP code (null: accepts again)
//   await catcher.stop() / restart()  → restart keeps its ports and stored messages
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaughtMessage } from '../../mailcatcher/server';
import { killOnExit, stopChild } from './child-process';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type MailCatcherProcess = {
  smtpPort: number;
  httpPort: number;
  url: string;
  messages(): Promise<CaughtMessage[]>;
  rejectWith(code: number | null): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
};

export async function startMailCatcherProcess(opts: { smtpPort?: number; httpPort?: number; dataDir?: string } = {}): Promise<MailCatcherProcess> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-mail-'));
  let smtpPort = opts.smtpPort ?? 0;
  let httpPort = opts.httpPort ?? 0;
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, { DATA_DIR: dataDir, MAIL_CATCHER_SMTP_PORT: String(smtpPort), MAIL_CATCHER_HTTP_PORT: String(httpPort) });
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'mailcatcher', 'main.ts')], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    killOnExit(proc);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The mail catcher did not start within 20 s. Output:\n${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /SMTP on port (\d+), messages at http:\/\/localhost:(\d+)\//.exec(output);
        if (match) {
          clearTimeout(timer);
          smtpPort = Number(match[1]);
          httpPort = Number(match[2]);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The mail catcher exited (code ${code}) before it was ready. Output:\n${output}`));
      });
    });
  }

  await launch();
  const api = () => `http://localhost:${httpPort}`;
  return {
    get smtpPort() {
      return smtpPort;
    },
    get httpPort() {
      return httpPort;
    },
    get url() {
      return api();
    },
    async messages() {
      const response = await fetch(`${api()}/api/messages`);
      return ((await response.json()) as { messages: CaughtMessage[] }).messages;
    },
    async rejectWith(code) {
      const response = await fetch(`${api()}/api/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rejectWith: code }) });
      if (!response.ok) throw new Error(`POST /api/faults: HTTP ${response.status}`);
    },
    async stop() {
      await stopChild(child);
      child = undefined;
    },
    async restart() {
      await stopChild(child);
      await launch();
    },
  };
}
