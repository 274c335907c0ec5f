import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SqlConnection } from '../../lib/db/sql-driver';
import { migratedConnection } from '../helpers/db';
import { diffDatabaseAgainstSchema, readDatamodel } from '../helpers/schema-diff';

let connection: SqlConnection;
before(async () => {
  ({ connection } = await migratedConnection('schema'));
});
after(() => connection.close());

test('the migrated database matches schema.prisma: tables, columns, enums, indexes and foreign keys', async () => {
  assert.deepEqual(await diffDatabaseAgainstSchema(connection), []);
  assert.ok(readDatamodel().models.length >= 8, 'the datamodel was read');
});

test('the comparison notices a drift (a dropped index, an extra column, a nullable change)', async () => {
  await connection.exec('BEGIN');
  try {
    await connection.exec(`
      DROP INDEX "Order_email_idx";
      ALTER TABLE "Product" ADD COLUMN "colour" TEXT;
      ALTER TABLE "Product" ALTER COLUMN "description" DROP NOT NULL;
      ALTER TABLE "Refund" ALTER COLUMN "status" SET DEFAULT 'FAILED';`);
    const problems = await diffDatabaseAgainstSchema(connection);
    assert.deepEqual(problems.sort(), [
      'column Product.colour is not in schema.prisma',
      'column Product.description is nullable, schema.prisma says required',
      `column Refund.status has default 'FAILED'::"RefundStatus", schema.prisma says 'PENDING'::"RefundStatus"`,
      'index Order_email_idx on Order(email) is missing from the database',
    ]);
  } finally {
    await connection.exec('ROLLBACK');
  }
});
