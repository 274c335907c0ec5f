// CLI for the local SEQR sandbox: `npm run sandbox` (or `node --import tsx sandbox/main.ts`).
// Reads the sandbox configuration from the environment, starts the server, and shuts down
// gracefully (state flushed to disk) on SIGINT/SIGTERM.
import { loadSandboxConfig, SandboxConfigError, type SandboxConfig } from './config';
import { startSandbox, type RunningSandbox } from './server';

// Restarted right after a crash, the previous sandbox may still be shutting down (flushing its
// state, then closing the port): wait for it this long before giving up. State is only loaded once
// the port is ours, so it includes what the previous one flushed.
const PORT_WAIT_MS = 15_000;

async function startWhenPortIsFree(config: SandboxConfig): Promise<RunningSandbox> {
  const deadline = Date.now() + PORT_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      return await startSandbox(config);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() >= deadline) throw error;
      if (!told) console.log(`The SEQR sandbox's port ${config.port} is still in use (a previous sandbox shutting down?); waiting up to ${PORT_WAIT_MS / 1000} s for it to be free…`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadSandboxConfig();
  } catch (error) {
    console.error(error instanceof SandboxConfigError ? error.message : String(error));
    process.exit(1);
  }
  let sandbox;
  try {
    sandbox = await startWhenPortIsFree(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(`The SEQR sandbox cannot listen on port ${config.port}: it is in use. Stop the other process or set SEQR_SANDBOX_PORT to a free port.`);
    } else if (code === 'EACCES') {
      console.error(`The SEQR sandbox is not allowed to listen on port ${config.port}. Set SEQR_SANDBOX_PORT to a port above 1024.`);
    } else {
      console.error(`The SEQR sandbox could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  }
  // Test helpers parse this line to learn the port when SEQR_SANDBOX_PORT=0.
  console.log(`SEQR sandbox listening on ${sandbox.url} (WSDL ${sandbox.wsdlUrl}; wallet and log at ${sandbox.url}/sandbox; state in ${config.dataDir}/sandbox/state.json + state.journal)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`SEQR sandbox stopping (${signal}).`);
    setTimeout(() => process.exit(1), 5000).unref();
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`The SEQR sandbox did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// The sandbox must never die on one bad request: log and carry on.
process.on('uncaughtException', (error) => console.error(`[sandbox] unexpected error (kept running): ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => console.error(`[sandbox] unexpected rejection (kept running): ${reason instanceof Error ? reason.stack : String(reason)}`));

void main();
