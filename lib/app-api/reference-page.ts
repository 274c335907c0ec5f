// The app API's readable reference (/api/v1/docs): plain server HTML made from the OpenAPI document
// (openapi.ts) and the problem types (problems.ts), so it says what the contract says. No client
// JavaScript and nothing from a CDN: one page with its stylesheet inline, allowed by the response's
// CSP nonce (proxy.ts). Every text from the document is escaped, and the Markdown in descriptions is
// limited to paragraphs, **bold** and `code`. Pure: the route (app/api/v1/docs/route.ts) passes the
// nonce; tests pass documents of their own.
import { openApiDocument } from './openapi';
import { PROBLEMS, problemTypeUri } from './problems';

/** A JSON Schema (OpenAPI 3.1): true allows anything, false nothing. */
export type Schema = SchemaObject | boolean;

/** The parts of an OpenAPI 3.1 schema the page shows. */
export type SchemaObject = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
};

// `$ref`: OpenAPI allows a reference in these places; our document has none there, so it is not followed.
type MediaTypeObject = { $ref?: string; schema?: Schema; example?: unknown };
type ParameterObject = { name?: string; in?: string; required?: boolean; description?: string; schema?: Schema };
type HeaderObject = { description?: string; required?: boolean; schema?: Schema };
type ResponseObject = { description?: string; headers?: Record<string, HeaderObject>; content?: Record<string, MediaTypeObject> };
type OperationObject = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, MediaTypeObject> };
  responses?: Record<string, ResponseObject>;
};

/** The parts of an OpenAPI 3.1 document the page shows (openApiDocument() is one). */
export type ReferenceDocument = {
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components?: { schemas?: Record<string, Schema> };
};

export type ReferenceProblem = { status: number; title: string; about: string };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type HttpMethod = (typeof METHODS)[number];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values alike: nothing from the document can open a tag or leave a quote. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** An in-page link target. Our names are plain; percent-encoding keeps any other name a fragment. */
const href = (id: string) => `#${escapeHtml(encodeURIComponent(id))}`;

const operationAnchor = (operationId: string) => `op-${operationId}`;
const schemaAnchor = (name: string) => `schema-${name}`;
const problemAnchor = (type: string) => `problem-${type}`;
const tagAnchor = (name: string) => `tag-${name}`;

// Focusable (tabindex 0, named): a region that scrolls sideways on a phone must be reachable by keyboard.
const pretty = (value: unknown) => `<pre tabindex="0" aria-label="Example"><code>${escapeHtml(JSON.stringify(value, null, 2))}</code></pre>`;

/** A boolean schema as an object: true allows anything (no constraints), false nothing at all. */
const asObject = (schema: Schema | undefined): SchemaObject => (typeof schema === 'object' ? schema : schema === false ? { type: 'nothing' } : {});

/** `#/components/schemas/Name` → Name (JSON Pointer unescaped); null for any other reference. */
function refName(ref: string): string | null {
  const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
  if (!match) return null;
  let name = match[1]!;
  try {
    name = decodeURIComponent(name);
  } catch {
    // A stray "%": the name as written.
  }
  return name.replace(/~1/g, '/').replace(/~0/g, '~');
}

class Renderer {
  /** `docsPath`: this page's path; a `code` span naming a place on it (a problem type's URI) links there. */
  constructor(
    private readonly schemas: Record<string, Schema>,
    private readonly docsPath: string,
  ) {}

  /** `code` and **bold** in one line of text; everything else is escaped as it is. */
  inline(text: string): string {
    return text
      .split(/(`[^`]+`)/)
      .map((part) => {
        if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) {
          const code = part.slice(1, -1);
          const here = code.startsWith(`${this.docsPath}#`) ? code.slice(this.docsPath.length + 1) : null;
          return here ? `<a href="${href(here)}"><code>${escapeHtml(code)}</code></a>` : `<code>${escapeHtml(code)}</code>`;
        }
        return escapeHtml(part).replace(/\*\*([^*]+?)\*\*/g, '<strong>$1</strong>');
      })
      .join('');
  }

  /** A description: paragraphs separated by blank lines, each with inline() markup. */
  markdown(text: string | undefined): string {
    if (!text) return '';
    return text
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter(Boolean)
      .map((paragraph) => `<p>${this.inline(paragraph)}</p>`)
      .join('\n');
  }

  resolve(schema: SchemaObject): SchemaObject {
    const name = schema.$ref ? refName(schema.$ref) : null;
    const target = name === null ? undefined : this.schemas[name];
    return target === undefined ? schema : asObject(target);
  }

  /** `X or null` (zod's nullable): X, whose fields and limits are the field's (typeLabel still says "or null"). */
  private nonNull(schema: SchemaObject): SchemaObject {
    const variants = (schema.anyOf ?? schema.oneOf)?.map(asObject);
    const others = variants?.filter((variant) => variant.type !== 'null') ?? [];
    return variants?.length === 2 && others.length === 1 ? others[0]! : schema;
  }

  /** A schema's type for a reader: "string (date-time)", "array of <Cart>", "ShippingMethod or null". */
  typeLabel(schema: SchemaObject): string {
    if (schema.$ref) {
      const name = refName(schema.$ref);
      return name ? `<a href="${href(schemaAnchor(name))}">${escapeHtml(name)}</a>` : `<code>${escapeHtml(schema.$ref)}</code>`;
    }
    const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
    if (variants) return variants.map((variant) => this.typeLabel(asObject(variant))).join(schema.allOf ? ' and ' : ' or ');
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    const label = types
      .map((type) => (type === 'array' ? `array of ${this.typeLabel(asObject(schema.items))}` : escapeHtml(type)))
      .join(' or ');
    return `${label || 'any'}${schema.format ? ` (${escapeHtml(schema.format)})` : ''}`;
  }

  /** Limits worth reading: lengths, ranges, patterns, fixed values and enums. */
  private constraints(schema: SchemaObject): string[] {
    const notes: string[] = [];
    // zod's z.int() states the safe-integer range; every JSON number reader knows it already.
    const bound = (value: number | undefined) => (value === undefined || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value);
    // Numbers too are escaped: the types say number, a document read from JSON need not.
    const n = (value: number) => escapeHtml(String(value));
    const range = (min: number | undefined, max: number | undefined, unit: string) => {
      if (min !== undefined && max !== undefined) notes.push(`${n(min)}–${n(max)}${unit}`);
      else if (min !== undefined) notes.push(`at least ${n(min)}${unit}`);
      else if (max !== undefined) notes.push(`at most ${n(max)}${unit}`);
    };
    range(bound(schema.minimum), bound(schema.maximum), '');
    if (schema.exclusiveMinimum !== undefined) notes.push(`more than ${n(schema.exclusiveMinimum)}`);
    if (schema.exclusiveMaximum !== undefined) notes.push(`less than ${n(schema.exclusiveMaximum)}`);
    range(schema.minLength, schema.maxLength, ' characters');
    range(schema.minItems, schema.maxItems, ' items');
    // A format (date-time) says what its generated pattern says, readably.
    if (schema.pattern !== undefined && schema.format === undefined) notes.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
    if (schema.const !== undefined) notes.push(`always <code>${escapeHtml(JSON.stringify(schema.const))}</code>`);
    if (schema.enum) notes.push(`one of ${schema.enum.map((value) => `<code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code>`).join(', ')}`);
    return notes;
  }

  /**
   * An object's fields as a list: name, type, required, limits, description, example. Inline objects
   * are listed inside their field. A named one is listed there too when `expand` (a request body,
   * where the app writes every field), else linked to its entry under "Schemas". `seen`: the named
   * schemas being listed already, so a schema that contains itself ends.
   */
  fields(schema: SchemaObject, expand: boolean, seen: ReadonlySet<string> = new Set()): string {
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length === 0) return '';
    const required = new Set(schema.required ?? []);
    const items = properties.map(([name, property]) => {
      const raw = asObject(property);
      const field = this.nonNull(raw);
      // The element of an array field, so an array of objects lists the element's fields.
      const element = field.type === 'array' ? asObject(field.items) : field;
      const named = element.$ref ? refName(element.$ref) : null;
      const resolved = this.resolve(element);
      const notes = [...this.constraints(field), ...(element !== field ? this.constraints(element) : [])];
      // A named enum (ShippingMethod): its values belong where the field is written.
      if (element.$ref && resolved.enum) notes.push(...this.constraints(resolved));
      const description = raw.description ?? field.description ?? (element.$ref && (expand || resolved.enum) ? resolved.description : undefined);
      const example = raw.example ?? field.example;
      const listNested = !element.$ref || (expand && named !== null && !seen.has(named));
      const nested = listNested ? this.fields(resolved, expand, named ? new Set([...seen, named]) : seen) : '';
      return [
        '<li>',
        `<code class="name">${escapeHtml(name)}</code> <span class="type">${this.typeLabel(raw)}</span> `,
        required.has(name) ? '<span class="required">required</span>' : '<span class="optional">optional</span>',
        notes.length > 0 ? `<div class="notes">${notes.join('; ')}</div>` : '',
        description ? `<div class="description">${this.markdown(description)}</div>` : '',
        example !== undefined ? `<div class="notes">example <code>${escapeHtml(JSON.stringify(example))}</code></div>` : '',
        nested,
        '</li>',
      ].join('');
    });
    return `<ul class="fields">${items.join('\n')}</ul>`;
  }

  /** A named schema under "Schemas": its type, description, fields (or values) and example. */
  component(name: string, schema: SchemaObject): string {
    const notes = this.constraints(schema);
    return [
      `<section class="schema" id="${escapeHtml(schemaAnchor(name))}">`,
      `<h3>${escapeHtml(name)}</h3>`,
      `<p class="notes">${this.typeLabel(schema)}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}</p>`,
      this.markdown(schema.description),
      this.fields(schema, false),
      schema.example !== undefined ? `<p class="notes">Example:</p>${pretty(schema.example)}` : '',
      '</section>',
    ].join('\n');
  }

  parameters(parameters: ParameterObject[]): string {
    if (parameters.length === 0) return '';
    const rows = parameters.map((parameter) => {
      const schema = asObject(parameter.schema);
      const notes = [this.typeLabel(schema), ...this.constraints(schema)].join('; ');
      return [
        '<tr>',
        `<td><code>${escapeHtml(parameter.name ?? '')}</code><div class="notes">${notes}</div></td>`,
        `<td>${escapeHtml(parameter.in ?? '')}</td>`,
        `<td>${parameter.required ? '<span class="required">required</span>' : 'optional'}</td>`,
        `<td>${this.markdown(parameter.description ?? schema.description)}</td>`,
        '</tr>',
      ].join('');
    });
    return `<h4>Parameters</h4><div class="scroll" tabindex="0" role="region" aria-label="Parameters"><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Description</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
  }

  /** The body's schema resolved and listed field by field (named parts too), and its example. */
  requestBody(body: OperationObject['requestBody']): string {
    if (!body) return '';
    const parts = Object.entries(body.content ?? {}).map(([mediaType, media]) => {
      const schema = asObject(media.schema);
      const named = schema.$ref ? refName(schema.$ref) : null;
      const resolved = this.resolve(schema);
      const example = media.example ?? resolved.example;
      return [
        `<p><code>${escapeHtml(mediaType)}</code>: ${this.typeLabel(schema)}</p>`,
        this.markdown(resolved.description),
        this.fields(resolved, true, named ? new Set([named]) : new Set()),
        example !== undefined ? `<p class="notes">Example:</p>${pretty(example)}` : '',
      ].join('\n');
    });
    const required = body.required ? '<span class="required">required</span>' : '<span class="optional">optional</span>';
    return [`<h4>Request body ${required}</h4>`, this.markdown(body.description), ...parts].join('\n');
  }

  responses(list: Record<string, ResponseObject>): string {
    const items = Object.entries(list).map(([status, response]) => {
      const content = Object.entries(response.content ?? {}).map(([mediaType, media]) => `<li><code>${escapeHtml(mediaType)}</code>: ${this.typeLabel(asObject(media.schema))}</li>`);
      const headers = Object.entries(response.headers ?? {}).map(
        ([name, header]) => `<li><code>${escapeHtml(name)}</code>${header.required ? '' : ' (optional)'}: ${this.inline(header.description ?? asObject(header.schema).description ?? '')}</li>`,
      );
      return [
        `<li class="response"><span class="status s${escapeHtml(status.charAt(0))}">${escapeHtml(status)}</span><div>`,
        this.markdown(response.description),
        content.length > 0 ? `<ul class="plain">${content.join('')}</ul>` : '',
        headers.length > 0 ? `<p class="notes">Headers:</p><ul class="plain">${headers.join('')}</ul>` : '',
        '</div></li>',
      ].join('\n');
    });
    return `<h4>Responses</h4><ul class="responses">${items.join('\n')}</ul>`;
  }

  operation({ path, method, operation }: Entry, base: string): string {
    const id = entryId({ path, method, operation });
    return [
      `<article class="operation" id="${escapeHtml(operationAnchor(id))}">`,
      `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${escapeHtml(base + path)}</code></h3>`,
      `<p class="notes">operationId <a href="${href(operationAnchor(id))}"><code>${escapeHtml(id)}</code></a></p>`,
      operation.summary ? `<p class="summary">${this.inline(operation.summary)}</p>` : '',
      this.markdown(operation.description),
      this.parameters(operation.parameters ?? []),
      this.requestBody(operation.requestBody),
      this.responses(operation.responses ?? {}),
      '</article>',
    ].join('\n');
  }
}

type Entry = { path: string; method: HttpMethod; operation: OperationObject };

/** An operation's anchor name: its operationId (every one of ours has one). */
const entryId = ({ path, method, operation }: Entry) => operation.operationId ?? `${method}-${path}`;

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1d21; --muted: #5b6170; --bg: #fff; --panel: #f4f5f7; --line: #dcdfe5; --link: #0b57d0; --get: #1a7f37; --post: #0b57d0; --put: #8250df; --patch: #9a6700; --delete: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #a0a6b1; --bg: #15171a; --panel: #1f2226; --line: #353a41; --link: #8ab4f8; --get: #4ac26b; --post: #8ab4f8; --put: #c297ff; --patch: #d4a72c; --delete: #ff7b72; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, nav { max-width: 58rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .5rem; padding-top: .5rem; border-top: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
h4 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
a { color: var(--link); }
code, pre { font: .9em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow-x: auto; }
.version { font-size: .9rem; color: var(--muted); font-weight: normal; }
.operation, .schema, .problem { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 1rem 0; scroll-margin-top: 1rem; }
.method { font: bold .8rem/1 ui-monospace, monospace; color: #fff; border-radius: 4px; padding: .3rem .45rem; }
.get { background: var(--get); } .post { background: var(--post); } .put { background: var(--put); } .patch { background: var(--patch); } .delete { background: var(--delete); }
.summary { font-weight: 600; margin: .25rem 0; }
.notes { color: var(--muted); font-size: .9rem; margin: .2rem 0; }
.required { color: var(--delete); font-size: .8rem; font-weight: 600; }
.optional { color: var(--muted); font-size: .8rem; }
.type { color: var(--muted); font-size: .9rem; }
.fields { list-style: none; padding-left: 0; margin: .5rem 0; }
.fields .fields { padding-left: 1rem; border-left: 2px solid var(--line); }
.fields > li { padding: .4rem 0; border-top: 1px solid var(--line); }
.fields > li:first-child { border-top: 0; }
.description p { margin: .2rem 0; }
.responses { list-style: none; padding: 0; }
.response { display: grid; grid-template-columns: 3.5rem 1fr; gap: .5rem; padding: .4rem 0; border-top: 1px solid var(--line); }
.response p { margin: 0 0 .4rem; }
.status { font: bold .9rem ui-monospace, monospace; }
.s2 { color: var(--get); } .s4 { color: var(--patch); } .s5 { color: var(--delete); }
.plain { margin: .2rem 0; padding-left: 1.2rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
td p { margin: 0; }
nav ul { padding-left: 1.2rem; }
nav li { margin: .15rem 0; }
@media (max-width: 40rem) { body { font-size: 15px; } .response { grid-template-columns: 1fr; gap: 0; } th, td { padding: .35rem .3rem; } }
`;

/**
 * The reference page as a whole HTML document. `problemUri`: a problem type's `type` value (each is
 * this page's `#problem-<type>`). `nonce`: this response's CSP nonce (proxy.ts), which lets the
 * inline stylesheet apply; without one the page is still whole, only unstyled.
 */
export function renderReferencePage<P extends string>(
  document: ReferenceDocument,
  problems: Readonly<Record<P, ReferenceProblem>>,
  opts: { problemUri: (type: P) => string; nonce?: string },
): string {
  const base = document.servers?.[0]?.url ?? '';
  const renderer = new Renderer(document.components?.schemas ?? {}, `${base}/docs`);

  const entries: Entry[] = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );
  // The document's tags in its order, then a tag only an operation names, then the untagged.
  const tags = [...(document.tags ?? [])];
  for (const { operation } of entries) for (const name of operation.tags ?? []) if (!tags.some((tag) => tag.name === name)) tags.push({ name });
  const groups = tags.map((tag) => ({ tag, entries: entries.filter(({ operation }) => operation.tags?.[0] === tag.name) }));
  const untagged = entries.filter(({ operation }) => !operation.tags?.length);
  if (untagged.length > 0) groups.push({ tag: { name: 'Other' }, entries: untagged });

  const schemas = Object.entries(document.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const problemTypes = Object.keys(problems) as P[];
  const title = escapeHtml(document.info.title);

  const contents = [
    '<nav aria-label="Contents"><h2>Contents</h2><ul>',
    ...groups.map(({ tag, entries: list }) => {
      const links = list.map((entry) => `<li><a href="${href(operationAnchor(entryId(entry)))}">${escapeHtml(entryId(entry))}</a> <span class="notes">${entry.method.toUpperCase()} ${escapeHtml(entry.path)}</span></li>`);
      return `<li><a href="${href(tagAnchor(tag.name))}">${escapeHtml(tag.name)}</a><ul>${links.join('')}</ul></li>`;
    }),
    '<li><a href="#schemas">Schemas</a></li><li><a href="#problems">Problems</a></li>',
    '</ul></nav>',
  ];

  const problemSections = problemTypes.map((type) => {
    const problem = problems[type];
    return [
      `<section class="problem" id="${escapeHtml(problemAnchor(type))}">`,
      `<h3><code>${escapeHtml(type)}</code> <span class="status">${escapeHtml(String(problem.status))}</span> ${escapeHtml(problem.title)}</h3>`,
      renderer.markdown(problem.about),
      `<p class="notes"><code>type</code>: <code>${escapeHtml(opts.problemUri(type))}</code></p>`,
      '</section>',
    ].join('\n');
  });

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}: reference</title>`,
    `<style${opts.nonce ? ` nonce="${escapeHtml(opts.nonce)}"` : ''}>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${title} <span class="version">${escapeHtml(document.info.version)}</span></h1>`,
    renderer.markdown(document.info.description),
    `<p class="notes">Base URL <code>${escapeHtml(base || '/')}</code>. The machine-readable contract: <a href="${escapeHtml(`${base}/openapi.json`)}">the OpenAPI 3.1 document</a>.</p>`,
    '</header>',
    ...contents,
    '<main>',
    ...groups.map(({ tag, entries: list }) =>
      [`<section id="${escapeHtml(tagAnchor(tag.name))}">`, `<h2>${escapeHtml(tag.name)}</h2>`, renderer.markdown(tag.description), ...list.map((entry) => renderer.operation(entry, base)), '</section>'].join('\n'),
    ),
    '<section id="schemas">',
    '<h2>Schemas</h2>',
    ...schemas.map(([name, schema]) => renderer.component(name, asObject(schema))),
    '</section>',
    '<section id="problems">',
    '<h2>Problems</h2>',
    "<p>Every error is <code>application/problem+json</code> (RFC 9457) with one of these as its <code>type</code>; its <code>detail</code> says what happened in the request's language.</p>",
    ...problemSections,
    '</section>',
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

let cached: string | undefined;

/**
 * The page for this shop's API: its OpenAPI document and its problem types. Rendered once per
 * process (the document does not change while it runs, and a render takes ~10 ms); each response
 * only gets its nonce on the stylesheet, the first `<style>` of the page (the document's own texts
 * are escaped, so none of them can contain one).
 */
export function referencePage(nonce: string | undefined): string {
  cached ??= renderReferencePage(openApiDocument(), PROBLEMS, { problemUri: problemTypeUri });
  return nonce ? cached.replace('<style>', () => `<style nonce="${escapeHtml(nonce)}">`) : cached;
}
