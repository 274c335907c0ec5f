// A simulation worker process: one PGlite, the real payment core, seeds handed out by the parent
// (tests/simulation/runner.ts) one at a time.
import { InProcessRunner, outcomeOf } from './runner';

const send = (message: unknown) => process.send?.(message);

try {
  const runner = await InProcessRunner.open();
  process.on('message', (message: { type: 'run'; seed: number } | { type: 'stop' }) => {
    if (message.type === 'stop') {
      void runner.close().finally(() => process.exit(0));
      return;
    }
    runner.run(message.seed).then(
      (result) => send({ type: 'result', outcome: outcomeOf(result) }),
      (error: unknown) => {
        send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        process.exit(1);
      },
    );
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
