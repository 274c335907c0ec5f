-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "openAttemptId" UUID;

-- AlterTable
ALTER TABLE "PaymentAttempt" ADD COLUMN     "receiptClaimedAt" TIMESTAMPTZ(3),
ADD COLUMN     "receiptErsReference" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Order_openAttemptId_key" ON "Order"("openAttemptId");
