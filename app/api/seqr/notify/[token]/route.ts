// SEQR's notificationUrl. SEQR calls it when an invoice is paid; we treat it as a hint only:
// check the token, ask SEQR for the status at once, apply it idempotently, answer 200 fast.
// The body is ignored (its form is not documented), so a forged or replayed call changes nothing.
import { handleNotification } from '@/lib/payments';

export const dynamic = 'force-dynamic';

async function notify(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const outcome = await handleNotification(token);
  if (outcome === 'unknown') return Response.json({ error: 'Unknown notification token.' }, { status: 404 });
  return new Response(null, { status: 200 });
}

export { notify as GET, notify as POST };
