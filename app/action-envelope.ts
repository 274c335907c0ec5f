import { readBodyBytes } from '../lib/http/read-body';

// Server-action requests are public: anyone can POST a `next-action` header with any body. Next
// answers a body it cannot decode with a bare 500, before our code runs. proxy.ts checks the
// envelope first and answers what is not a well-formed call of one of our actions with a 4xx and
// a sentence. Our actions take `(previousState, formData)` or nothing, so a well-formed call is
// React's reply encoding of plain JSON values and FormData, within Next's 1 MB body limit.

/** Next's default `serverActions.bodySizeLimit`. */
export const ACTION_BODY_LIMIT = 1024 * 1024;

export type EnvelopeProblem = { status: 400 | 413 | 415; message: string };

const bad = (message: string): EnvelopeProblem => ({ status: 400, message });

/** Strings React's reply encoding gives a meaning without further parts (see the walk below). */
const PLAIN_REFERENCE = /^\$(\$|K[0-9a-f]+$|undefined$|Infinity$|-Infinity$|NaN$|-0$|D.|n-?\d+$)/;

function findUnsupportedReference(value: unknown, depth = 0): string | null {
  if (depth > 32) return 'nested too deeply';
  if (typeof value === 'string') return value.startsWith('$') && !PLAIN_REFERENCE.test(value) ? value.slice(0, 20) : null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnsupportedReference(item, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = findUnsupportedReference(item, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** Null when the request is a well-formed server-action call; otherwise what is wrong with it. */
export async function checkActionEnvelope(request: Request): Promise<EnvelopeProblem | null> {
  const length = Number(request.headers.get('content-length') ?? '');
  if (Number.isFinite(length) && length > ACTION_BODY_LIMIT) return { status: 413, message: 'The request is larger than 1 MB.' };
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (!type.startsWith('text/plain') && !type.startsWith('multipart/form-data')) {
    return { status: 415, message: 'A server action takes multipart/form-data or text/plain.' };
  }
  // Counted as read: a chunked body declares no length, and text()/formData() would buffer it all.
  const body = await readBodyBytes(request, ACTION_BODY_LIMIT);
  if (!body.ok) return body.reason === 'too-large' ? { status: 413, message: 'The request is larger than 1 MB.' } : bad('The request body could not be read.');
  let argumentsText: string;
  if (type.startsWith('text/plain')) {
    argumentsText = body.bytes.toString('utf8');
  } else {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body.bytes), { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
    } catch {
      return bad('The form data could not be read.');
    }
    const root = form.get('0');
    if (typeof root !== 'string') return bad('The action call has no arguments (form part "0").');
    argumentsText = root;
  }
  let args: unknown;
  try {
    args = JSON.parse(argumentsText);
  } catch {
    return bad('The action arguments are not valid JSON.');
  }
  if (!Array.isArray(args)) return bad('The action arguments must be a list.');
  const reference = findUnsupportedReference(args);
  if (reference) return bad(`The action arguments hold a value these actions do not take (${reference}).`);
  return null;
}
