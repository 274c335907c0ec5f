// SEQR's notificationUrl. SEQR posts `invoiceReference=<ref>` as a form when an invoice is paid
// (PROTOCOL.md §11); we treat it as a hint only: check the token, ask SEQR for the status at once,
// apply it idempotently, answer 200 fast. A forged or replayed call changes nothing.
import { z } from 'zod';
import { readBodyText } from '@/lib/http/read-body';
import { handleNotification } from '@/lib/payments';

export const dynamic = 'force-dynamic';

/** SEQR's form is one short field; anything longer is not SEQR. */
const MAX_BODY_BYTES = 4096;
const InvoiceReference = z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/);

async function claimedReference(request: Request): Promise<{ ok: true; reference?: string } | { ok: false; response: Response }> {
  const fromQuery = new URL(request.url).searchParams.get('invoiceReference') ?? undefined;
  let fromBody: string | undefined;
  if (request.method === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? '')) {
    const body = await readBodyText(request, MAX_BODY_BYTES);
    if (!body.ok) {
      const status = body.reason === 'too-large' ? 413 : 400;
      return { ok: false, response: Response.json({ error: body.reason === 'too-large' ? `A notification body is at most ${MAX_BODY_BYTES} bytes.` : 'The notification body could not be read.' }, { status }) };
    }
    fromBody = new URLSearchParams(body.text).get('invoiceReference') ?? undefined;
  }
  const raw = fromBody ?? fromQuery;
  if (raw === undefined || raw.trim() === '') return { ok: true };
  const parsed = InvoiceReference.safeParse(raw);
  if (!parsed.success) return { ok: false, response: Response.json({ error: 'invoiceReference must be a SEQR invoice reference (letters and digits, at most 64).' }, { status: 400 }) };
  return { ok: true, reference: parsed.data };
}

async function notify(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const claimed = await claimedReference(request);
  if (!claimed.ok) return claimed.response;
  const outcome = await handleNotification(token, claimed.reference);
  if (outcome === 'unknown') return Response.json({ error: 'Unknown notification token.' }, { status: 404 });
  if (outcome === 'mismatch') console.log(`[notify] invoiceReference ${claimed.reference} in a notification is not its attempt's invoice; asked SEQR about the attempt's own.`);
  return new Response(null, { status: 200 });
}

export { notify as GET, notify as POST };
