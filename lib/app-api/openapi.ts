// The app API's OpenAPI 3.1 document, generated from the operations table and its zod schemas
// (zod-openapi), so the contract is the code: served at /api/v1/openapi.json and rendered by the
// reference page (/api/v1/docs).
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import { API_PREFIX, operations, type Operation } from './operations';
import { PROBLEMS, problemTypeUri, type ProblemType } from './problems';
import { Problem } from './schemas';

export const API_VERSION = '1.0.0';

const DESCRIPTION = `The shop's backend for native apps, as SEQR's in-app guide describes it: the app asks the shop for an invoice, opens the SEQR app with the invoice's app link, comes back through its own return URL, and asks the shop for the final status once.

**The flow.** listProducts → createCart → addCartItem … → setCheckoutDetails → createPayment (with your app's \`returnUrl\`) → open \`attempt.appLink\` → the SEQR app returns to \`returnUrl\` → getPaymentState with \`final=true\` → getReceipt. While the shopper is in the SEQR app, follow the payment with streamPaymentState (or poll getPaymentState once a second). An invoice that ended unpaid (expired, cancelled, failed) gets a new one with retryPayment.

**Idempotency.** Every POST takes an \`Idempotency-Key\` header (a UUID per intended request). A repeat with the same key gets the first answer again (with \`Idempotent-Replayed: true\`) and changes nothing, on any shop instance, for 24 hours. The same key with another request is refused (422). Answers of 5xx, and a createPayment or retryPayment answer given because SEQR could not be reached, are not kept: a repeat runs again. PUT, PATCH and DELETE are idempotent by themselves.

**Errors** are \`application/problem+json\` (RFC 9457): \`type\` is stable (listed below under "Problems"), \`title\` is English, \`detail\` is a sentence in the \`Accept-Language\` language (Swedish or English; English otherwise). Bad input is always a 4xx with a sentence.

**Money** is integer minor units (öre) in \`minor\`, with the amount formatted for people in \`formatted\`.

**Access.** A cart id and an order token are unguessable and are the only key to their cart and order: keep them like passwords. Calls come from the app itself; a web page on another site cannot make changes.`;

const acceptLanguage = z.object({
  'accept-language': z.string().optional().meta({ description: 'sv for Swedish; anything else gets English. Names, sentences and formatted amounts follow it.', example: 'sv' }),
});
const idempotencyKey = z.string().min(1).max(255).optional().meta({ description: 'A key per intended request (a UUID): a repeat gets the first answer and changes nothing.', example: '5f1c7c1e-6d1a-4a7e-9d5b-2f0e6c1d8a11' });

function problemResponses(types: readonly ProblemType[]): ZodOpenApiOperationObject['responses'] {
  const byStatus = new Map<number, ProblemType[]>();
  for (const type of [...new Set([...types, 'internal-error' as const])]) byStatus.set(PROBLEMS[type].status, [...(byStatus.get(PROBLEMS[type].status) ?? []), type]);
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, list] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    const retryAfter = status === 429 || status === 503 || list.some((type) => type === 'idempotency-key-in-use' || type === 'payment-cancel-pending');
    responses[String(status)] = {
      description: list.map((type) => `\`${problemTypeUri(type)}\`: ${PROBLEMS[type].about}`).join('\n\n'),
      ...(retryAfter ? { headers: z.object({ 'retry-after': z.string().optional().meta({ description: 'Seconds to wait before asking again.' }) }) } : {}),
      content: { 'application/problem+json': { schema: Problem } },
    };
  }
  return responses;
}

function operationObject(operation: Operation): ZodOpenApiOperationObject {
  const header = operation.method === 'post' ? acceptLanguage.extend({ 'idempotency-key': idempotencyKey }) : acceptLanguage;
  const example = operation.body ? (operation.body.schema.meta() as { example?: unknown } | undefined)?.example : undefined;
  const successHeaders = operation.success.status === 201 ? { headers: z.object({ location: z.string().meta({ description: 'The new resource.' }) }) } : {};
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.description,
    requestParams: { header, ...(operation.params ? { path: operation.params } : {}), ...(operation.query ? { query: operation.query } : {}) },
    ...(operation.body
      ? { requestBody: { required: operation.body.required, content: { 'application/json': { schema: operation.body.schema, ...(example !== undefined ? { example } : {}) } } } }
      : {}),
    responses: {
      [`${operation.success.status}`]: {
        description: operation.success.description,
        ...successHeaders,
        content: operation.success.stream
          ? { 'text/event-stream': { schema: { type: 'string', description: 'Server-sent events: each `data:` line is a PaymentState (components/schemas/PaymentState) as JSON.' } } }
          : { 'application/json': { schema: operation.success.schema } },
      },
      ...problemResponses(operation.problems),
    },
  };
}

let cached: ReturnType<typeof createDocument> | undefined;

/** The document (built once per process: the table does not change while it runs). */
export function openApiDocument(): ReturnType<typeof createDocument> {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of Object.values(operations) as Operation[]) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) };
  }
  cached = createDocument({
    openapi: '3.1.0',
    info: { title: 'Nordvik app API', version: API_VERSION, description: DESCRIPTION },
    servers: [{ url: API_PREFIX, description: 'This shop' }],
    tags: [
      { name: 'Catalog', description: 'What is on sale.' },
      { name: 'Cart', description: 'The shopper\'s cart and checkout details.' },
      { name: 'Payment', description: 'The order, its SEQR invoice, its status and its receipt.' },
    ],
    paths,
  });
  return cached;
}
