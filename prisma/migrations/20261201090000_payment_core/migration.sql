-- AlterEnum
ALTER TYPE "OrderStatus" ADD VALUE 'REVIEW';

-- AlterEnum
ALTER TYPE "RefundStatus" ADD VALUE 'UNKNOWN';

-- CreateEnum
CREATE TYPE "ReceiptStatus" AS ENUM ('NOT_SENT', 'SENDING', 'SUBMITTED', 'UNKNOWN');

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "lastActivityAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "paidCurrency" CHAR(3),
ADD COLUMN     "refundReservedOre" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reviewReason" TEXT;

-- AlterTable
ALTER TABLE "PaymentAttempt" ADD COLUMN     "paidAmountOre" INTEGER,
ADD COLUMN     "paidCurrency" CHAR(3),
ADD COLUMN     "receiptStatus" "ReceiptStatus" NOT NULL DEFAULT 'NOT_SENT',
ADD COLUMN     "updatePendingSince" TIMESTAMPTZ(3),
ADD COLUMN     "pendingUpdate" JSONB;

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "cashierId" TEXT,
ADD COLUMN     "nextCheckAt" TIMESTAMPTZ(3),
ADD COLUMN     "sentAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "Order_status_lastActivityAt_idx" ON "Order"("status", "lastActivityAt");

-- CreateIndex
CREATE INDEX "Refund_status_nextCheckAt_idx" ON "Refund"("status", "nextCheckAt");

-- Data: receipts already sent or claimed keep their meaning; refunds still PENDING move from the
-- confirmed sum to the reserved one (refundedOre now counts only refunds SEQR confirmed).
UPDATE "PaymentAttempt" SET "receiptStatus" = 'SUBMITTED' WHERE "receiptSubmittedAt" IS NOT NULL;
UPDATE "PaymentAttempt" SET "receiptStatus" = 'SENDING' WHERE "receiptSubmittedAt" IS NULL AND "receiptClaimedAt" IS NOT NULL;
UPDATE "PaymentAttempt" SET "paidAmountOre" = "amountOre" WHERE "status" = 'PAID';
UPDATE "Order" SET "paidCurrency" = "currency" WHERE "paidAt" IS NOT NULL;
UPDATE "Order" AS o SET "refundReservedOre" = p."sum", "refundedOre" = o."refundedOre" - p."sum"
  FROM (SELECT "orderId", SUM("amountOre")::int AS "sum" FROM "Refund" WHERE "status" = 'PENDING' GROUP BY "orderId") AS p
 WHERE o."id" = p."orderId";
