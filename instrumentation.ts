// Next.js calls register() once when a server process starts: the payment sweeper runs in every
// shop process, from the start, whether or not anyone visits (PROTOCOL.md §6.1, the 20-second rule).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startSweeper } = await import('./lib/payments/wiring');
  startSweeper();
}
