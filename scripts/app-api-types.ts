// `npm run api:types`: regenerates tests/contract/app-api.d.ts from the app API's OpenAPI document
// (lib/app-api/openapi.ts, built here as the shop builds it). Commit the result with the API change.
import fs from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../lib/app-api/openapi';
import { APP_API_TYPES_FILE, appApiTypes } from './lib/app-api-types';

const types = await appApiTypes(openApiDocument());
const before = fs.existsSync(APP_API_TYPES_FILE) ? fs.readFileSync(APP_API_TYPES_FILE, 'utf8') : '';
fs.mkdirSync(path.dirname(APP_API_TYPES_FILE), { recursive: true });
fs.writeFileSync(APP_API_TYPES_FILE, types);
console.log(`${path.relative(process.cwd(), APP_API_TYPES_FILE)}: ${before === types ? 'unchanged' : 'written'}.`);
