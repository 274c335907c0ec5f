import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { checkActionEnvelope } from '../../app/action-envelope';

// React's own reply encoder, as the browser uses it, from the copy Next bundles (it has no types).
const { encodeReply } = createRequire(import.meta.url)('next/dist/compiled/react-server-dom-turbopack/client.edge.js') as {
  encodeReply(value: unknown): Promise<string | FormData>;
};

function actionRequest(body: string | FormData | Blob, contentType?: string): Request {
  const headers: Record<string, string> = { 'next-action': '6045b2fe0e57d699e27d71ebd4f68f1ebb1a74e6be' };
  if (contentType) headers['content-type'] = contentType;
  return new Request('http://shop.test/cart', { method: 'POST', headers, body });
}

async function realCall(args: unknown[]): Promise<Request> {
  const body = await encodeReply(args);
  return typeof body === 'string' ? actionRequest(body, 'text/plain;charset=UTF-8') : actionRequest(body);
}

test('what React sends for our actions passes', async () => {
  const form = new FormData();
  form.set('slug', 'wool-throw');
  form.set('quantity', '2');
  assert.equal(await checkActionEnvelope(await realCall([{ status: 'idle' }, form])), null);
  assert.equal(await checkActionEnvelope(await realCall([{ status: 'error', message: '$5 off, 100% wool' }, form])), null);
  assert.equal(await checkActionEnvelope(await realCall([])), null);
});

test('what Next cannot decode gets a 4xx with a sentence', async () => {
  const cases: [Request, number, RegExp][] = [
    [actionRequest('not json', 'text/plain'), 400, /not valid JSON/],
    [actionRequest('', 'text/plain'), 400, /not valid JSON/],
    [actionRequest('{"a":1}', 'text/plain'), 400, /must be a list/],
    [actionRequest('[{"status":"idle"},"$Q1"]', 'text/plain'), 400, /do not take \(\$Q1\)/],
    [actionRequest('['.repeat(5000), 'text/plain'), 400, /not valid JSON/],
    [actionRequest('slug=x', 'application/x-www-form-urlencoded'), 415, /multipart\/form-data or text\/plain/],
    [actionRequest(new Blob([new Uint8Array(10)]), 'application/octet-stream'), 415, /multipart/],
    [actionRequest('\u0000'.repeat(100), 'multipart/form-data; boundary=nope'), 400, /form data could not be read|no arguments/],
    [actionRequest('x'.repeat(1024 * 1024 + 1), 'text/plain'), 413, /larger than 1 MB/],
  ];
  const noRoot = new FormData();
  noRoot.set('_1_slug', 'wool-throw');
  cases.push([actionRequest(noRoot), 400, /no arguments/]);
  for (const [request, status, message] of cases) {
    const problem = await checkActionEnvelope(request);
    assert.ok(problem, `${request.headers.get('content-type')} is refused`);
    assert.equal(problem.status, status);
    assert.match(problem.message, message);
  }
});
