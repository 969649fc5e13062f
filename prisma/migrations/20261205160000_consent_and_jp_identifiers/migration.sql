
-- AlterTable
ALTER TABLE "identity"."facility" ADD COLUMN     "care_provider_number" TEXT,
ADD COLUMN     "medical_institution_code" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "facility_medical_institution_code_key" ON "identity"."facility"("medical_institution_code");

-- CreateIndex
CREATE UNIQUE INDEX "facility_care_provider_number_key" ON "identity"."facility"("care_provider_number");

