-- AlterTable
ALTER TABLE "PaymentAttempt" ADD COLUMN     "statusChecks" INTEGER NOT NULL DEFAULT 0;
