-- CreateEnum
CREATE TYPE "PeriodScope" AS ENUM ('SHOP', 'TERMINAL');

-- CreateEnum
CREATE TYPE "DayCloseStatus" AS ENUM ('RUNNING', 'DONE');

-- AlterTable
ALTER TABLE "TransactionPeriod" ADD COLUMN     "dayCloseId" UUID,
ADD COLUMN     "scope" "PeriodScope" NOT NULL DEFAULT 'TERMINAL';

-- CreateTable
CREATE TABLE "DayClose" (
    "id" UUID NOT NULL,
    "day" TEXT,
    "closedBy" TEXT NOT NULL,
    "status" "DayCloseStatus" NOT NULL DEFAULT 'RUNNING',
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "tries" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "seqrCount" INTEGER,
    "shopCount" INTEGER,
    "differences" JSONB,

    CONSTRAINT "DayClose_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DayClose_day_key" ON "DayClose"("day");

-- CreateIndex
CREATE INDEX "DayClose_status_leaseUntil_idx" ON "DayClose"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "TransactionPeriod_dayCloseId_idx" ON "TransactionPeriod"("dayCloseId");

-- AddForeignKey
ALTER TABLE "TransactionPeriod" ADD CONSTRAINT "TransactionPeriod_dayCloseId_fkey" FOREIGN KEY ("dayCloseId") REFERENCES "DayClose"("id") ON DELETE SET NULL ON UPDATE CASCADE;
