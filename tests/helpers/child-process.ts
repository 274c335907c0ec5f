// Child servers of the test helpers (shop instances, the sandbox): never left running when the test
// process ends early, and stopped politely, then forcibly.
import type { ChildProcess } from 'node:child_process';

/** Kill the child when this process exits (a thrown error, Ctrl-C), unless it exited first. */
export function killOnExit(child: ChildProcess): void {
  const guard = () => child.kill('SIGKILL');
  process.once('exit', guard);
  child.once('exit', () => process.off('exit', guard));
}

/** Send `signal`, wait for the exit, and SIGKILL after 5 s. Does nothing if it already exited. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
