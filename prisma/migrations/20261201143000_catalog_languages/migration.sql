-- CreateTable
CREATE TABLE "ProductText" (
    "id" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "locale" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,

    CONSTRAINT "ProductText_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ProductText_productId_locale_key" ON "ProductText"("productId", "locale");

-- AddForeignKey
ALTER TABLE "ProductText" ADD CONSTRAINT "ProductText_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing products keep their English texts as the fallback language.
INSERT INTO "ProductText" ("id", "productId", "locale", "name", "description")
SELECT gen_random_uuid(), "id", 'en', "name", "description" FROM "Product";

-- AlterTable
ALTER TABLE "Cart" ADD COLUMN "locale" TEXT NOT NULL DEFAULT 'en';
