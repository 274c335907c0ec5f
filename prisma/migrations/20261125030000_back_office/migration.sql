-- CreateTable
CREATE TABLE "AdminLoginFailure" (
    "id" BIGSERIAL NOT NULL,
    "client" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminLoginFailure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransactionPeriod" (
    "id" UUID NOT NULL,
    "transactionPeriodId" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "terminalId" TEXT,
    "closedBy" TEXT NOT NULL,

    CONSTRAINT "TransactionPeriod_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdminLoginFailure_client_at_idx" ON "AdminLoginFailure"("client", "at");

-- CreateIndex
CREATE UNIQUE INDEX "TransactionPeriod_transactionPeriodId_key" ON "TransactionPeriod"("transactionPeriodId");
