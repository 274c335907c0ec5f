// The app API's reference page (/api/v1/docs, lib/app-api/reference-page.ts): every operation and
// problem type has its anchor (the problems' `type` URIs point there), every in-page link lands,
// every text from the document is escaped, and the only inline style is allowed by the response's
// CSP nonce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy } from '../../lib/http/security-headers';
import { openApiDocument } from '../../lib/app-api/openapi';
import { operations } from '../../lib/app-api/operations';
import { PROBLEMS, problemTypeUri, type ProblemType } from '../../lib/app-api/problems';
import { referencePage, renderReferencePage, type ReferenceDocument } from '../../lib/app-api/reference-page';
import { GET } from '../../app/api/v1/docs/route';

const ids = (html: string) => new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1]!));
const render = (document: ReferenceDocument, problems: Record<string, { status: number; title: string; about: string }> = PROBLEMS, nonce?: string) =>
  renderReferencePage(document, problems, { problemUri: (type) => `/api/v1/docs#problem-${type}`, nonce });

test('every operation has its #op-<operationId> anchor, with its method and full path', () => {
  const html = referencePage(undefined);
  const anchors = ids(html);
  for (const operation of Object.values(operations)) {
    assert.ok(anchors.has(`op-${operation.operationId}`), `#op-${operation.operationId}`);
    const section = html.slice(html.indexOf(`id="op-${operation.operationId}"`)).split('</article>')[0]!;
    assert.ok(section.includes(`${operation.method.toUpperCase()}</span> <code class="path">/api/v1${operation.path}</code>`), `${operation.operationId}: method and path`);
    assert.ok(section.includes(operation.summary.replace(/'/g, '&#39;')), `${operation.operationId}: summary`);
  }
});

test("every problem type has the anchor its type URI points at, with its status, title and about", () => {
  const html = referencePage(undefined);
  const anchors = ids(html);
  for (const type of Object.keys(PROBLEMS) as ProblemType[]) {
    const fragment = new URL(problemTypeUri(type), 'http://shop.example').hash.slice(1);
    assert.equal(fragment, `problem-${type}`);
    assert.ok(anchors.has(fragment), `${problemTypeUri(type)} points at an element of the page`);
    const section = html.slice(html.indexOf(`id="${fragment}"`)).split('</section>')[0]!;
    assert.ok(section.includes(`<span class="status">${PROBLEMS[type].status}</span>`), `${type}: status`);
    assert.ok(section.includes(PROBLEMS[type].title), `${type}: title`);
    assert.ok(section.includes(`<code>${problemTypeUri(type)}</code>`), `${type}: its type URI`);
  }
});

test('every in-page link lands on an element of the page, and every schema has its section', () => {
  const html = referencePage(undefined);
  const anchors = ids(html);
  const targets = [...html.matchAll(/href="#([^"]*)"/g)].map((match) => decodeURIComponent(match[1]!));
  assert.ok(targets.length > 100, 'the page links its operations, schemas and problems');
  for (const target of new Set(targets)) assert.ok(anchors.has(target), `#${target} has no element`);
  for (const name of Object.keys(openApiDocument().components?.schemas ?? {})) assert.ok(anchors.has(`schema-${name}`), `schema ${name}`);
  // The document's links are relative to the server URL: the page links the JSON document itself.
  assert.match(html, /href="\/api\/v1\/openapi\.json"/);
});

test('a request body is listed field by field, with the fields of named parts, and its example as JSON', () => {
  const html = referencePage(undefined);
  const createCart = html.slice(html.indexOf('id="op-createCart"')).split('</article>')[0]!;
  // items is an array of CartItemInput: its own fields are listed within.
  assert.match(createCart, /<code class="name">items<\/code> <span class="type">array of <a href="#schema-CartItemInput">CartItemInput<\/a><\/span> <span class="optional">optional<\/span><div class="notes">at most 50 items<\/div>/);
  assert.match(createCart, /<code class="name">quantity<\/code> <span class="type">integer<\/span> <span class="required">required<\/span><div class="notes">1–99<\/div>/);
  assert.ok(createCart.includes(`<pre tabindex="0" aria-label="Example"><code>{\n  &quot;items&quot;: [\n    {\n      &quot;slug&quot;: &quot;linen-tea-towel&quot;,`), 'the example, pretty-printed');
  const checkout = html.slice(html.indexOf('id="op-setCheckoutDetails"')).split('</article>')[0]!;
  // A named enum shows its values where the field is written.
  assert.match(checkout, /<code class="name">shipping<\/code>.*one of <code>PICKUP_POINT<\/code>, <code>HOME_DELIVERY<\/code>/);
  // Parameters: name, in, required.
  assert.match(checkout, /<td><code>cartId<\/code>.*?<\/td><td>path<\/td><td><span class="required">required<\/span><\/td>/);
  // Responses: status and the schema linked.
  assert.match(checkout, /<span class="status s2">200<\/span>[\s\S]*?<code>application\/json<\/code>: <a href="#schema-Cart">Cart<\/a>/);
  assert.match(checkout, /<span class="status s4">422<\/span>[\s\S]*?<a href="#problem-invalid-checkout-details"><code>\/api\/v1\/docs#problem-invalid-checkout-details<\/code><\/a>/);
});

test("descriptions' Markdown: paragraphs, **bold** and `code`", () => {
  const document: ReferenceDocument = { info: { title: 'T', version: '1', description: 'First **bold** and `code`.\n\nSecond\nline.' } };
  const html = render(document, {});
  assert.ok(html.includes('<p>First <strong>bold</strong> and <code>code</code>.</p>\n<p>Second\nline.</p>'));
});

test('every text from the document is escaped, in text and in attributes', () => {
  const evil = '<script>alert(1)</script>';
  const breakout = '"><img src=x onerror=alert(1)>';
  const document: ReferenceDocument = {
    info: { title: `API ${evil}`, version: breakout, description: `**${evil}** and \`${evil}\`\n\n${breakout}` },
    servers: [{ url: `/api${breakout}` }],
    tags: [{ name: `Tag${breakout}`, description: evil }],
    paths: {
      [`/x/${evil}`]: {
        get: {
          operationId: `op${breakout}`,
          tags: [`Tag${breakout}`],
          summary: evil,
          description: evil,
          parameters: [{ name: evil, in: breakout, required: true, description: evil, schema: { type: evil, enum: [evil], pattern: evil } }],
          requestBody: {
            content: {
              [`application/${evil}`]: { schema: { $ref: `#/components/schemas/Evil${breakout}` }, example: { [evil]: breakout } },
            },
          },
          responses: {
            [`2${breakout}`]: { description: evil, headers: { [evil]: { description: evil } }, content: { [`text/${evil}`]: { schema: { $ref: `#/components/schemas/Evil${breakout}` } } } },
          },
        },
      },
    },
    components: {
      schemas: {
        [`Evil${breakout}`]: {
          type: 'object',
          description: evil,
          example: evil,
          required: [evil],
          properties: { [evil]: { type: 'string', description: evil, example: breakout, const: evil, format: evil }, list: { type: 'array', items: { $ref: `#/components/schemas/${evil}` } } },
        },
      },
    },
  };
  const html = render(document, { [`type${breakout}`]: { status: 400, title: evil, about: `${evil} \`${breakout}\`` } }, `n${breakout}`);
  assert.doesNotMatch(html, /<script/i, 'no script element');
  assert.doesNotMatch(html, /<img/i, 'no img element');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the text is shown, escaped');
  assert.ok(html.includes('<strong>&lt;script&gt;'), 'Markdown inside an escaped text still applies');
  assert.ok(html.includes(`id="op-op&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"`), 'the anchor keeps the name, escaped');
  assert.ok(html.includes(`<style nonce="n&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">`), 'even the nonce is escaped');
  // Every "<" followed by a letter starts one of the page's own tags, whose attributes are the
  // page's own: with the text escaped there is no other "<" and no '"' inside a value.
  const tag = /<([a-z][a-z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)>/y;
  const allowedTags = ['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'h4', 'p', 'span', 'code', 'pre', 'strong', 'a', 'nav', 'ul', 'li', 'main', 'section', 'article', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
  const allowedAttributes = ['lang', 'charset', 'name', 'content', 'nonce', 'id', 'class', 'href', 'aria-label', 'tabindex', 'role'];
  for (const start of [...html.matchAll(/<(?=[a-zA-Z])/g)].map((match) => match.index)) {
    tag.lastIndex = start;
    const found = tag.exec(html);
    assert.ok(found, `a tag that is not the page's own: ${html.slice(start, start + 80)}`);
    assert.ok(allowedTags.includes(found[1]!), `unexpected <${found[1]}>`);
    for (const [, attribute] of found[2]!.matchAll(/\s([a-z-]+)="[^"]*"/g)) assert.ok(allowedAttributes.includes(attribute!), `unexpected ${attribute}= on <${found[1]}>`);
  }
});

test("the page's one inline style carries the nonce the response's CSP allows, and nothing else is inline", () => {
  const nonce = 'bm9uY2UtZm9yLXRoaXMtcmVzcG9uc2U=';
  const html = referencePage(nonce);
  const styles = [...html.matchAll(/<style\b([^>]*)>/g)];
  assert.equal(styles.length, 1, 'one stylesheet');
  assert.equal(styles[0]![1], ` nonce="${nonce}"`);
  const styleSrc = contentSecurityPolicy(nonce).split('; ').find((directive) => directive.startsWith('style-src '));
  assert.ok(styleSrc?.split(' ').includes(`'nonce-${nonce}'`), `style-src allows the tag's nonce: ${styleSrc}`);
  assert.doesNotMatch(html, /<script|\sstyle=|\son[a-z]+=|<link/i, 'no script, no style attribute, no event handler, nothing linked');
  // The nonce is per response: the cached page is not left holding the last one.
  assert.ok(referencePage('other').includes('<style nonce="other">'));
  assert.ok(referencePage(undefined).includes('<style>'));
});

test('the route answers the page as HTML with the nonce proxy.ts handed over in x-nonce', async () => {
  const nonce = 'cHJveHktbm9uY2UtZm9yLXRlc3Q=';
  const response = GET(new Request('http://shop.example/api/v1/docs', { headers: { 'x-nonce': nonce } }));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const html = await response.text();
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  assert.ok(html.startsWith('<!doctype html>'));
});
