// Only lib/payments/transitions.ts writes a status column of an order, a payment attempt, a refund
// or a receipt. This reads every source file of the shop with the TypeScript parser and finds each
// Prisma write (update, updateMany, upsert, create, createMany) on those models that sets `status`
// or `receiptStatus`, and each raw SQL statement that sets them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MODELS = new Set(['order', 'paymentAttempt', 'refund']);
const WRITES = new Set(['update', 'updateMany', 'upsert', 'create', 'createMany']);
const STATUS_FIELDS = new Set(['status', 'receiptStatus']);
const ALLOWED = new Set(['lib/payments/transitions.ts']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'generated' || entry.name === 'node_modules') continue;
      out.push(...sourceFiles(rel));
    } else if (/\.(ts|tsx)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function propertyNamed(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of object.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name) return p.initializer;
  }
  return undefined;
}

function setsStatus(value: ts.Expression | undefined): boolean {
  if (!value) return false;
  if (ts.isArrayLiteralExpression(value)) return value.elements.some((e) => setsStatus(e));
  if (!ts.isObjectLiteralExpression(value)) return false;
  return value.properties.some(
    (p) => ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && ts.isIdentifier(p.name) && STATUS_FIELDS.has(p.name.text)) || ts.isSpreadAssignment(p) && setsStatus(p.expression),
  );
}

/** Places in one source text that write a payment status. */
export function statusWrites(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const where = (node: ts.Node) => `${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression;
      const model = ts.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined;
      const arg = node.arguments[0];
      if (model && MODELS.has(model) && WRITES.has(method) && arg && ts.isObjectLiteralExpression(arg)) {
        if (setsStatus(propertyNamed(arg, 'data')) || setsStatus(propertyNamed(arg, 'update')) || setsStatus(propertyNamed(arg, 'create'))) found.push(where(node));
      }
    }
    if (ts.isTaggedTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) || ts.isStringLiteral(node)) {
      const sql = node.getText(file);
      if (/\bSET\b[\s\S]*"(status|receiptStatus)"\s*=/i.test(sql)) found.push(where(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...new Set(found)];
}

test('the scanner finds a status write, in Prisma and in raw SQL, and leaves reads and other models alone', () => {
  const sample = `
    await db.order.updateMany({ where: { status: 'PAID' }, data: { status: 'REFUNDED' } });
    await tx.paymentAttempt.update({ where: { id }, data: { ...other, receiptStatus } });
    await db.$executeRaw\`UPDATE "Refund" SET "status" = 'FAILED' WHERE "id" = \${id}\`;
    await db.order.findMany({ where: { status: 'PAID' } });
    await tx.cart.updateMany({ data: { status: 'CHECKED_OUT' } });
    await db.order.update({ where: { id }, data: { paidOre: 1 } });`;
  assert.deepEqual(statusWrites('sample.ts', sample), ['sample.ts:2', 'sample.ts:3', 'sample.ts:4']);
});

test('nothing but lib/payments/transitions.ts writes an order, attempt, refund or receipt status', () => {
  const offenders = ['lib', 'app', 'pages', 'scripts']
    .flatMap(sourceFiles)
    .filter((file) => !ALLOWED.has(file))
    .flatMap((file) => statusWrites(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
  assert.deepEqual(offenders, [], `status columns written outside lib/payments/transitions.ts:\n${offenders.join('\n')}`);
  // And the allowed file really is where they are written.
  assert.ok(statusWrites('lib/payments/transitions.ts', fs.readFileSync(path.join(ROOT, 'lib/payments/transitions.ts'), 'utf8')).length >= 4);
});
