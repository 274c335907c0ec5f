-- CreateEnum
CREATE TYPE "ShippingMethod" AS ENUM ('PICKUP_POINT', 'HOME_DELIVERY');

-- CreateEnum
CREATE TYPE "FulfilmentStatus" AS ENUM ('UNFULFILLED', 'PACKED', 'SHIPPED');

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "customerName" TEXT,
ADD COLUMN     "phone" TEXT,
ADD COLUMN     "deliveryStreet" TEXT,
ADD COLUMN     "deliveryPostcode" TEXT,
ADD COLUMN     "deliveryCity" TEXT,
ADD COLUMN     "shippingMethod" "ShippingMethod",
ADD COLUMN     "shippingOre" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shippingTaxRateBp" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "fulfilmentStatus" "FulfilmentStatus" NOT NULL DEFAULT 'UNFULFILLED',
ADD COLUMN     "packedAt" TIMESTAMPTZ(3),
ADD COLUMN     "shippedAt" TIMESTAMPTZ(3),
ADD COLUMN     "carrier" TEXT,
ADD COLUMN     "trackingNumber" TEXT;

-- CreateIndex
CREATE INDEX "Order_fulfilmentStatus_idx" ON "Order"("fulfilmentStatus");
