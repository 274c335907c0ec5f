// The app API's TypeScript types (tests/contract/app-api.d.ts) from its OpenAPI document, by
// openapi-typescript: one generator for `npm run api:types` (the document built in-process) and the
// contract test (the document the shop serves), so "the committed types are current" means one thing.
import path from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';

export const APP_API_TYPES_FILE = path.resolve(import.meta.dirname, '../../tests/contract/app-api.d.ts');

export async function appApiTypes(document: unknown): Promise<string> {
  // A copy: openapi-typescript bundles (and may rewrite) what it is given, and the shop's document is cached.
  const ast = await openapiTS(structuredClone(document) as OpenAPI3, { silent: true });
  return COMMENT_HEADER + astToString(ast);
}
