// CLI for the development mail catcher (`npm start` runs it when SMTP_URL is unset):
// `node --import tsx mailcatcher/main.ts`. Ports from MAIL_CATCHER_SMTP_PORT / MAIL_CATCHER_HTTP_PORT
// (0 = any free port, printed), messages under DATA_DIR/mail.
import path from 'node:path';
import { startMailCatcher } from './server';

const portOf = (name: string, fallback: number): number => {
  const text = process.env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number between 0 and 65535, such as ${fallback}.`);
    process.exit(1);
  }
  return value;
};

// Restarted right after a crash, the previous catcher may still be exiting (it stops within a few
// seconds of losing its parent): wait this long for its ports, as the sandbox does.
const PORT_WAIT_MS = 15_000;

async function startWhenPortsAreFree(options: Parameters<typeof startMailCatcher>[0]) {
  const deadline = Date.now() + PORT_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      return await startMailCatcher(options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() >= deadline) throw error;
      if (!told) console.log(`The mail catcher's ports are still in use (a previous one shutting down?); waiting up to ${PORT_WAIT_MS / 1000} s for them…`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function main(): Promise<void> {
  const smtpPort = portOf('MAIL_CATCHER_SMTP_PORT', 2525);
  const httpPort = portOf('MAIL_CATCHER_HTTP_PORT', 8025);
  const dataDir = path.resolve(process.env.DATA_DIR?.trim() || '.data');
  let catcher;
  try {
    catcher = await startWhenPortsAreFree({ smtpPort, httpPort, dataDir });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `The mail catcher cannot listen on port ${smtpPort} (SMTP) or ${httpPort} (HTTP): in use. Set MAIL_CATCHER_SMTP_PORT / MAIL_CATCHER_HTTP_PORT to free ports.`
        : `The mail catcher could not start: ${(error as Error).message}`,
    );
    process.exit(1);
  }
  // Test helpers parse this line to learn the ports when they are 0.
  console.log(`Mail catcher: SMTP on port ${catcher.smtpPort}, messages at ${catcher.url}/ (stored in ${path.join(dataDir, 'mail')})`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 3000).unref();
    void catcher.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

process.on('uncaughtException', (error) => console.error(`[mail catcher] unexpected error (kept running): ${error.stack ?? error.message}`));
void main();
