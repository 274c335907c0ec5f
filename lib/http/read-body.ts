// Reads a request body up to a limit without buffering more: a route that expects a few bytes must
// not hold a 250 MB upload in memory. Over the limit is the caller's 413, not an exception.
export type BodyText = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'unreadable' };
export type BodyBytes = { ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' | 'unreadable' };

export async function readBodyText(request: Request, maxBytes: number): Promise<BodyText> {
  const body = await readBodyBytes(request, maxBytes);
  return body.ok ? { ok: true, text: body.bytes.toString('utf8') } : body;
}

/** The body's bytes, counted as they arrive (a chunked body has no Content-Length to trust). */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<BodyBytes> {
  const declared = Number(request.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: 'too-large' };
  if (!request.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        // Stop reading, but do not cancel: cancelling destroys the socket before the 413 is written,
        // and the sender would see a reset instead of the sentence. Unread, the rest stays in the
        // kernel (TCP backpressure), not in memory here.
        reader.releaseLock();
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/**
 * Every form this shop posts (the back office's, the login, the language switch, "try again") is a
 * few hundred bytes; 64 KiB is a hundred times that and still nothing to hold eight of at once.
 */
export const FORM_BODY_LIMIT = 64 * 1024;

export type FormBody = { ok: true; form: URLSearchParams } | { ok: false; response: Response };

const refuse = (error: string, status: number): FormBody => ({ ok: false, response: Response.json({ error }, { status, headers: { 'cache-control': 'no-store' } }) });

/**
 * An HTML form (application/x-www-form-urlencoded) read through the cap, instead of
 * request.formData(), which buffers a body of any size. No form here uploads files, so multipart
 * is refused rather than parsed.
 */
export async function readUrlEncodedForm(request: Request, maxBytes = FORM_BODY_LIMIT): Promise<FormBody> {
  const tooLarge = () => refuse(`A form sent here is at most ${Math.round(maxBytes / 1024)} KiB; this one is larger.`, 413);
  const declared = Number(request.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
    return refuse('Send the form as application/x-www-form-urlencoded (a plain HTML form); other bodies, multipart/form-data included, are not accepted here.', 415);
  }
  const body = await readBodyText(request, maxBytes);
  if (!body.ok) return body.reason === 'too-large' ? tooLarge() : refuse('The form could not be read.', 400);
  return { ok: true, form: new URLSearchParams(body.text) };
}

/** For handlers that take no body: a small one is ignored, a large one (counted as read) is 413. */
export async function refuseLargeBody(request: Request, maxBytes = FORM_BODY_LIMIT): Promise<Response | null> {
  const body = await readBodyText(request, maxBytes);
  if (body.ok) return null;
  return body.reason === 'too-large'
    ? Response.json({ error: `A request sent here is at most ${Math.round(maxBytes / 1024)} KiB; this one is larger.` }, { status: 413 })
    : Response.json({ error: 'The request body could not be read.' }, { status: 400 });
}
