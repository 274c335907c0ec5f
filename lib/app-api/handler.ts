// One app API route handler per operation (operations.ts): the path, query and body are parsed with
// the operation's schemas, a POST honours its Idempotency-Key, the answer is checked against the
// operation's response schema, and every failure is an application/problem+json answer in the
// request's language. A route file is then one line: `export const GET = apiRoute(op, useCase)`.
import { z } from 'zod';
import { resolveLocale, type Locale } from '../i18n';
import { readBodyText } from '../http/read-body';
import { oncePerKey, requestFingerprint, type KeptResponse } from './idempotency';
import type { Operation } from './operations';
import { ApiProblem, isApiProblem, problemBody, problemResponse } from './problems';
import type { ProblemDto } from './schemas';

/** App API bodies are a few hundred bytes; a cart of 50 items is under 4 KiB. */
export const API_BODY_LIMIT = 16 * 1024;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export type ApiInput<O extends Operation> = {
  params: Out<O['params']>;
  query: Out<O['query']>;
  body: O['body'] extends { schema: infer B; required: true } ? Out<B> : O['body'] extends { schema: infer B } ? Out<B> | undefined : undefined;
  locale: Locale;
  request: Request;
};

/**
 * The use case's answer: the success body (its status is the operation's), or a stream response.
 * `keep: false`: not kept for the request's Idempotency-Key (a repeat runs again).
 */
export type ApiResult = { body: unknown; headers?: Record<string, string>; keep?: false } | { response: Response };

type RouteContext = { params: Promise<Record<string, string | string[]>> };

const noStore = { 'cache-control': 'no-store' };

/** zod's own sentences in the request's language (the schemas carry no messages of their own). */
const zodLocales: Record<Locale, z.core.$ZodConfig> = { en: z.locales.en(), sv: z.locales.sv() };

function parseIn<S extends z.ZodType>(schema: S, value: unknown, locale: Locale) {
  return schema.safeParse(value, { error: zodLocales[locale].localeError });
}

const pointerOf = (path: readonly PropertyKey[]) => `/${path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/** A field problem's pointer and sentence; a field the schema does not have is named by its own pointer. */
function fieldErrors(error: z.ZodError): NonNullable<ProblemDto['errors']> {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ pointer: pointerOf([...issue.path, key]), detail: issue.message })) : [{ pointer: pointerOf(issue.path), detail: issue.message }],
  );
}

function invalidRequest(errors: NonNullable<ProblemDto['errors']>): ApiProblem {
  const issues = errors.map((e) => (e.pointer === '/' ? e.detail : `${e.pointer.slice(1)}: ${e.detail}`)).join('; ');
  return new ApiProblem('invalid-request', { key: 'api.invalidRequest', params: { issues } }, { errors });
}

async function readJsonBody(request: Request, operation: Operation, locale: Locale): Promise<{ value: unknown; text: string }> {
  const read = await readBodyText(request, API_BODY_LIMIT);
  if (!read.ok) throw new ApiProblem(read.reason === 'too-large' ? 'body-too-large' : 'invalid-request', read.reason === 'too-large' ? undefined : { key: 'api.invalidRequest', params: { issues: 'the body could not be read' } });
  const text = read.text;
  if (!operation.body) return { value: undefined, text };
  if (text.trim() === '') {
    if (operation.body.required) throw invalidRequest([{ pointer: '/', detail: locale === 'sv' ? 'innehållet saknas (skicka JSON)' : 'the body is missing (send JSON)' }]);
    return { value: undefined, text };
  }
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) throw new ApiProblem('unsupported-media-type');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidRequest([{ pointer: '/', detail: locale === 'sv' ? 'innehållet är inte JSON' : 'the body is not JSON' }]);
  }
  const parsed = parseIn(operation.body.schema, json, locale);
  if (!parsed.success) throw invalidRequest(fieldErrors(parsed.error));
  return { value: parsed.data, text };
}

function parseParams(schema: z.ZodObject | undefined, raw: Record<string, unknown>, locale: Locale, where: 'path' | 'query'): unknown {
  if (!schema) return undefined;
  const parsed = parseIn(schema, raw, locale);
  if (parsed.success) return parsed.data;
  const name = String(parsed.error.issues[0]?.path[0] ?? 'parameter');
  throw new ApiProblem('invalid-parameter', { key: where === 'path' ? 'api.invalidParameter' : 'api.invalidQueryParameter', params: { name } }, { errors: fieldErrors(parsed.error) });
}

function jsonAnswer(status: number, body: unknown, locale: Locale, headers: Record<string, string> = {}): KeptResponse {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'content-language': locale, ...headers } };
}

function problemAnswer(problem: ApiProblem, locale: Locale, instance: string): KeptResponse {
  const response = problemResponse(problem, locale, instance);
  return { status: response.status, body: JSON.stringify(problemBody(problem, locale, instance)), headers: Object.fromEntries(response.headers) };
}

const isBusy = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2028';

export function apiRoute<O extends Operation>(operation: O, useCase: (input: ApiInput<O>) => Promise<ApiResult>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    const locale = resolveLocale(undefined, request.headers.get('accept-language'));
    const instance = new URL(request.url).pathname;
    const send = (answer: KeptResponse & { replayed?: boolean }) =>
      new Response(answer.body, { status: answer.status, headers: { ...answer.headers, ...noStore, ...(answer.replayed ? { 'idempotent-replayed': 'true' } : {}) } });
    try {
      const params = parseParams(operation.params, await context.params, locale, 'path');
      const query = parseParams(operation.query, Object.fromEntries(new URL(request.url).searchParams), locale, 'query');
      const body = await readJsonBody(request, operation, locale);
      const run = async (): Promise<KeptResponse | Response> => {
        try {
          const result = await useCase({ params, query, body: body.value, locale, request } as ApiInput<O>);
          if ('response' in result) return result.response;
          // The answer must be what the contract says: a route that disagrees with its schema fails loudly here.
          const checked = operation.success.schema.safeParse(result.body);
          if (!checked.success) throw new Error(`${operation.operationId} answered outside its schema: ${checked.error.message}`);
          return { ...jsonAnswer(operation.success.status, result.body, locale, result.headers), ...(result.keep === false ? { keep: false as const } : {}) };
        } catch (error) {
          if (isApiProblem(error)) return problemAnswer(error, locale, instance);
          if (isBusy(error)) return problemAnswer(new ApiProblem('shop-busy'), locale, instance);
          throw error;
        }
      };
      if (operation.method !== 'post') {
        const answer = await run();
        return answer instanceof Response ? answer : send(answer);
      }
      const key = request.headers.get('idempotency-key');
      // The request as parsed (zod's output has the schema's key order), so a client that re-encodes
      // its JSON with other spacing or key order still repeats the same request.
      const answer = await oncePerKey(key, requestFingerprint('POST', instance, JSON.stringify(body.value ?? null)), async () => {
        const result = await run();
        if (result instanceof Response) throw new Error(`${operation.operationId}: a POST cannot answer with a stream`);
        return result;
      });
      return send(answer);
    } catch (error) {
      if (isApiProblem(error)) return problemResponse(error, locale, instance);
      console.error(`[api] ${operation.operationId} failed:`, error);
      return problemResponse(new ApiProblem('internal-error'), locale, instance);
    }
  };
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type HttpMethod = (typeof METHODS)[number];

/** Handlers for the methods a path does not have: 405 with Allow, as a problem (Next's own 405 has no body). */
export function refuseOtherMethods(...allowed: HttpMethod[]): Record<HttpMethod, (request: Request) => Response> {
  const refuse = (request: Request) => {
    const locale = resolveLocale(undefined, request.headers.get('accept-language'));
    const response = problemResponse(new ApiProblem('method-not-allowed', { key: 'api.methodNotAllowed', params: { method: request.method, allowed: allowed.join(', ') } }), locale, new URL(request.url).pathname);
    response.headers.set('allow', allowed.join(', '));
    return response;
  };
  return Object.fromEntries(METHODS.map((method) => [method, refuse])) as Record<HttpMethod, (request: Request) => Response>;
}
