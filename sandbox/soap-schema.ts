// Checks a SOAP request the way SEQR's Apache CXF/JAXB service unmarshalled it (PROTOCOL.md §11),
// before node-soap sees it: a SOAP 1.1 envelope, the Body's wrapper element in SEQR's namespace,
// every element below it unqualified (elementFormDefault="unqualified") and known to the schema,
// complex elements holding elements, not text, and typed leaves that parse as their XSD type.
// Anything else is a soap:Client Fault "Unmarshalling Error: …" naming the element, as CXF wrote
// it. The allowed children and types come from the WSDL's own schema, read once at start.
//
// Element order is NOT checked: JAXB's unmarshaller looks each child up by name in its class's
// property map and never enforces xs:sequence order (tried with JAXB RI 2.3: a reordered invoice
// unmarshals), and CXF ran without schema validation (its default; its errors would read
// "cvc-complex-type…", not "unexpected element"), so SEQR accepted any order (§1.2: the official
// docs send children out of order). "Expected elements are …" lists them in schema order (JAXB's
// own list is in hash order).
// For the same reason minOccurs is not enforced (a missing int is 0 to JAXB) and a repeated
// single element is not an error; attributes are ignored as JAXB ignores unknown attributes.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';

/** A leaf's XSD type: a built-in (by local name) or an enumeration of a named simpleType. */
type LeafType = { kind: 'builtin'; name: string } | { kind: 'enum'; name: string; values: string[] };
interface ComplexType {
  /** Child element name → declaration, in schema order (used for "Expected elements are …"). */
  children: Map<string, { type: ComplexType | LeafType }>;
}

export interface RequestSchema {
  targetNamespace: string;
  /** Top-level request wrapper element name → its complex type. */
  wrappers: Map<string, ComplexType>;
}

export type RequestCheck = { ok: true; operation: string } | { ok: false; faultstring: string };

// ---------------------------------------------------------------------------------------------
// A namespace-aware element tree on top of fast-xml-parser (which keeps prefixes as written).

interface XmlElement {
  /** Local name. */
  name: string;
  /** Namespace URI, '' when none. */
  ns: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
  /** Prefix → URI in scope here (to resolve QName-valued attributes such as type="tns:x"). */
  scope: Record<string, string>;
}

// Entities are decoded here, not by the parser, so a DOCTYPE's entities are never expanded.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  htmlEntities: false,
});

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

type RawNode = Record<string, unknown>;

function buildTree(nodes: RawNode[], parentScope: Record<string, string>): (XmlElement | string)[] {
  const out: (XmlElement | string)[] = [];
  for (const node of nodes) {
    if ('#text' in node) {
      out.push(decodeEntities(String(node['#text'])));
      continue;
    }
    const tag = Object.keys(node).find((key) => key !== ':@');
    if (!tag) continue;
    const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
    const attrs: Record<string, string> = {};
    const scope = { ...parentScope };
    for (const [key, value] of Object.entries(rawAttrs)) {
      const decoded = decodeEntities(String(value));
      if (key === 'xmlns') scope[''] = decoded;
      else if (key.startsWith('xmlns:')) scope[key.slice(6)] = decoded;
      else attrs[key] = decoded;
    }
    const colon = tag.indexOf(':');
    const prefix = colon >= 0 ? tag.slice(0, colon) : '';
    const element: XmlElement = { name: colon >= 0 ? tag.slice(colon + 1) : tag, ns: scope[prefix] ?? '', attrs, children: [], scope };
    element.children = buildTree((node[tag] ?? []) as RawNode[], scope);
    out.push(element);
  }
  return out;
}

function parseDocument(xml: string): XmlElement | undefined {
  const top = buildTree(parser.parse(xml) as RawNode[], { xml: 'http://www.w3.org/XML/1998/namespace' });
  return top.find((node): node is XmlElement => typeof node !== 'string');
}

const elementsOf = (element: XmlElement) => element.children.filter((node): node is XmlElement => typeof node !== 'string');
const textOf = (element: XmlElement) => element.children.filter((node): node is string => typeof node === 'string').join('');

// ---------------------------------------------------------------------------------------------
// The WSDL's schema → RequestSchema

function resolveQName(value: string, scope: Record<string, string>): { ns: string; name: string } {
  const colon = value.indexOf(':');
  return colon >= 0 ? { ns: scope[value.slice(0, colon)] ?? '', name: value.slice(colon + 1) } : { ns: scope[''] ?? '', name: value };
}

/** Reads the request wrappers and every type they reach from the WSDL's embedded xs:schema. */
export function loadRequestSchema(wsdlXml: string): RequestSchema {
  const definitions = parseDocument(wsdlXml);
  if (!definitions || definitions.ns !== WSDL_NS || definitions.name !== 'definitions') throw new Error('The WSDL has no wsdl:definitions element.');
  const schema = elementsOf(definitions)
    .filter((e) => e.ns === WSDL_NS && e.name === 'types')
    .flatMap(elementsOf)
    .find((e) => e.ns === XSD_NS && e.name === 'schema');
  if (!schema) throw new Error('The WSDL has no xs:schema in wsdl:types.');
  if ((schema.attrs.elementFormDefault ?? 'unqualified') !== 'unqualified') throw new Error('The sandbox expects elementFormDefault="unqualified".');
  const targetNamespace = schema.attrs.targetNamespace ?? '';
  const xs = (e: XmlElement, name: string) => e.ns === XSD_NS && e.name === name;

  const complexDecls = new Map<string, XmlElement>();
  const simpleDecls = new Map<string, XmlElement>();
  const topElements: XmlElement[] = [];
  for (const child of elementsOf(schema)) {
    if (xs(child, 'complexType') && child.attrs.name) complexDecls.set(child.attrs.name, child);
    else if (xs(child, 'simpleType') && child.attrs.name) simpleDecls.set(child.attrs.name, child);
    else if (xs(child, 'element') && child.attrs.name) topElements.push(child);
  }

  const built = new Map<string, ComplexType>();

  function leafOrComplex(typeAttr: string, scope: Record<string, string>): ComplexType | LeafType {
    const { ns, name } = resolveQName(typeAttr, scope);
    if (ns === XSD_NS) return { kind: 'builtin', name };
    if (ns !== targetNamespace) throw new Error(`The schema refers to a type outside its namespace: ${typeAttr}.`);
    if (complexDecls.has(name)) return namedComplex(name);
    const simple = simpleDecls.get(name);
    if (!simple) throw new Error(`The schema refers to an undeclared type ${typeAttr}.`);
    const restriction = elementsOf(simple).find((e) => xs(e, 'restriction'));
    const values = restriction ? elementsOf(restriction).filter((e) => xs(e, 'enumeration')).map((e) => e.attrs.value ?? '') : [];
    if (values.length > 0) return { kind: 'enum', name, values };
    return leafOrComplex(restriction?.attrs.base ?? 'xs:string', restriction?.scope ?? scope);
  }

  function namedComplex(name: string): ComplexType {
    const existing = built.get(name);
    if (existing) return existing;
    const type: ComplexType = { children: new Map() };
    built.set(name, type); // before filling, so recursive types terminate
    fillComplex(type, complexDecls.get(name)!);
    return type;
  }

  /** Collects element particles (sequence/all/choice, extension bases first, as JAXB orders them). */
  function fillComplex(type: ComplexType, decl: XmlElement): void {
    for (const child of elementsOf(decl)) {
      if (xs(child, 'sequence') || xs(child, 'all') || xs(child, 'choice')) fillComplex(type, child);
      else if (xs(child, 'complexContent')) fillComplex(type, child);
      else if (xs(child, 'extension')) {
        const base = resolveQName(child.attrs.base ?? '', child.scope);
        if (base.ns === targetNamespace) for (const [key, value] of namedComplex(base.name).children) type.children.set(key, value);
        fillComplex(type, child);
      } else if (xs(child, 'element') && child.attrs.name) {
        const inline = elementsOf(child).find((e) => xs(e, 'complexType'));
        let elementType: ComplexType | LeafType;
        if (inline) {
          elementType = { children: new Map() };
          fillComplex(elementType, inline);
        } else {
          elementType = leafOrComplex(child.attrs.type ?? 'xs:anyType', child.scope);
        }
        type.children.set(child.attrs.name, { type: elementType });
      }
    }
  }

  const wrappers = new Map<string, ComplexType>();
  for (const element of topElements) {
    const type = element.attrs.type ? leafOrComplex(element.attrs.type, element.scope) : undefined;
    if (type && !('kind' in type)) wrappers.set(element.attrs.name!, type);
  }
  return { targetNamespace, wrappers };
}

// ---------------------------------------------------------------------------------------------
// Checking one request

class Unmarshalling extends Error {}

const qname = (ns: string, name: string) => `{${ns}}${name}`;
// JAXB's wording: unexpected element (uri:"…", local:"…"). Expected elements are <{}a>,<{}b>
function unexpectedElement(element: XmlElement, expected: string[]): Unmarshalling {
  const list = expected.length ? expected.map((e) => `<${e}>`).join(',') : '(none)';
  return new Unmarshalling(`unexpected element (uri:"${element.ns}", local:"${element.name}"). Expected elements are ${list}`);
}

/** Throws Unmarshalling when `element`'s content does not fit `type`. */
function checkContent(element: XmlElement, type: ComplexType | LeafType): void {
  if ('kind' in type) {
    const child = elementsOf(element)[0];
    if (child) throw unexpectedElement(child, []);
    checkLeaf(element, type, textOf(element));
    return;
  }
  // JAXB ignores whitespace between child elements and rejects any other text in a complex type.
  const text = textOf(element).replace(/\s+/g, ' ').trim();
  if (text !== '') throw new Unmarshalling(`unexpected text "${text}" in element <${qname(element.ns, element.name)}>`);
  for (const child of elementsOf(element)) {
    const declared = child.ns === '' ? type.children.get(child.name) : undefined;
    if (!declared) throw unexpectedElement(child, [...type.children.keys()].map((name) => qname('', name)));
    checkContent(child, declared.type);
  }
}

// How a leaf parses follows JAXB RI's DatatypeConverter (checked against JAXB RI 2.3 with a
// handler that rejects every event, as CXF's does), including its messages and its leniency:
// xs:int accepts a sign and surrounding whitespace and is not range-checked (JAXB wraps), an
// empty xs:int or xs:decimal is 0/null, but an empty xs:long or xs:dateTime fails (Long.valueOf,
// XMLGregorianCalendar). Stricter than JAXB, on purpose (issue 11): an enumeration value the
// schema does not declare is a fault here (JAXB nulls it silently), as is text in a complex
// element (JAXB ignores it).
const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

function checkLeaf(element: XmlElement, type: LeafType, raw: string): void {
  const where = ` (element <${qname(element.ns, element.name)}>)`;
  const fail = (message: string) => new Unmarshalling(message + where);
  if (type.kind === 'enum') {
    // Compared as written (xs:string base, whitespace preserved); empty is JAXB's null.
    if (raw !== '' && !type.values.includes(raw)) throw fail(`"${raw}" is not a value of the enumeration ${type.name}: ${type.values.join(', ')}`);
    return;
  }
  const value = raw.trim();
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'int':
      if (value !== '' && !/^[+-]?\d+$/.test(value)) throw fail(`Not a number: ${value}`);
      return;
    case 'long':
      if (!/^[+-]?\d+$/.test(value) || BigInt(value) < LONG_MIN || BigInt(value) > LONG_MAX) throw fail(`For input string: "${value}"`);
      return;
    case 'decimal': {
      if (value === '') return;
      const bad = [...value].find((c) => !/[\d.eE+-]/.test(c));
      if (bad !== undefined) throw fail(`Character ${bad} is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`);
      if ((value.split('e')[0]!.split('E')[0]!.match(/\./g) ?? []).length > 1) throw fail('Character array contains more than one decimal point.');
      if (!/\d/.test(value)) throw fail('No digits found.');
      // java.math.BigDecimal's syntax, exponent included.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) throw fail(`Not a number: ${value}`);
      return;
    }
    case 'boolean':
      if (value !== '' && !/^(true|false|1|0)$/.test(value)) throw fail(`Not a boolean: ${value}`);
      return;
    case 'dateTime': {
      const problem = dateTimeProblem(value);
      if (problem !== undefined) throw fail(problem);
      return;
    }
    default:
      // string, base64Binary (JAXB's base64 decoder skips what it cannot read), anyType…
      return;
  }
}

/**
 * XMLGregorianCalendar's verdict on a lexical dateTime (it also takes a plain date, as JAXB did):
 * undefined when it parses, else its message (the value itself, or "Invalid value 13 for Month
 * field.").
 */
function dateTimeProblem(value: string): string | undefined {
  const match = /^(-?\d{4,})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d):(\d\d)(\.\d+)?)?(Z|[+-]\d\d:\d\d)?$/.exec(value);
  if (!match) return value;
  const fields: [string, string | undefined, number, number][] = [
    ['Month', match[2], 1, 12],
    ['Day', match[3], 1, 31],
    ['Hour', match[4], 0, 24],
    ['Minute', match[5], 0, 59],
    ['Second', match[6], 0, 60],
  ];
  for (const [name, text, min, max] of fields) {
    if (text !== undefined && (Number(text) < min || Number(text) > max)) return `Invalid value ${Number(text)} for ${name} field.`;
  }
  return undefined;
}

/**
 * Checks one SOAP request body. `ok` with the operation name, or the faultstring for a soap:Client
 * Fault (HTTP 500). Not well-formed XML, a DTD, or no Envelope/Body get their own sentences.
 */
export function checkRequest(schema: RequestSchema, xml: string): RequestCheck {
  // SOAP 1.1 §3: a SOAP message must not contain a DTD. Refusing it also keeps entities unexpanded.
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, faultstring: 'The request contains a DOCTYPE; SOAP messages must not carry a DTD.' };
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) {
    return { ok: false, faultstring: `The request is not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line}).` };
  }
  let envelope: XmlElement | undefined;
  try {
    envelope = parseDocument(xml);
  } catch (error) {
    return { ok: false, faultstring: `The request is not well-formed XML: ${(error as Error).message}` };
  }
  if (!envelope) return { ok: false, faultstring: 'The request could not be read as a SOAP 1.1 envelope.' };
  try {
    // A SOAP 1.2 envelope (or anything else at the root) is not what the SOAP 1.1 endpoint reads.
    if (envelope.ns !== SOAP11_NS || envelope.name !== 'Envelope') throw unexpectedElement(envelope, [qname(SOAP11_NS, 'Envelope')]);
    const body = elementsOf(envelope).find((e) => e.ns === SOAP11_NS && e.name === 'Body');
    if (!body) return { ok: false, faultstring: 'The request is not a SOAP 1.1 envelope with a Body.' };
    const [wrapper, ...extra] = elementsOf(body);
    if (!wrapper) return { ok: false, faultstring: 'The SOAP Body is empty.' };
    const type = schema.wrappers.get(wrapper.name);
    if (!type) return { ok: false, faultstring: `Unknown operation ${wrapper.name}.` };
    if (wrapper.ns !== schema.targetNamespace) throw unexpectedElement(wrapper, [qname(schema.targetNamespace, wrapper.name)]);
    if (extra[0]) throw unexpectedElement(extra[0], []);
    checkContent(wrapper, type);
    return { ok: true, operation: wrapper.name };
  } catch (error) {
    if (error instanceof Unmarshalling) return { ok: false, faultstring: `Unmarshalling Error: ${error.message}` };
    throw error;
  }
}
