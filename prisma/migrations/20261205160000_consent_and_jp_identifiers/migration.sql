
-- CreateEnum
CREATE TYPE "identity"."PartnerConsentInJoin" AS ENUM ('REQUIRED', 'OPTIONAL');

-- AlterTable
ALTER TABLE "identity"."facility" ADD COLUMN     "care_provider_number" TEXT,
ADD COLUMN     "medical_institution_code" TEXT;

-- AlterTable
ALTER TABLE "identity"."partner" ADD COLUMN     "consent_in_join" "identity"."PartnerConsentInJoin" NOT NULL DEFAULT 'OPTIONAL';

-- AlterTable
ALTER TABLE "rooms"."inbound_join_request" ADD COLUMN     "consent_basis" JSONB,
ADD COLUMN     "organization_identifiers" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "rooms"."external_participant" ADD COLUMN     "organization_identifiers" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "rooms"."outbound_join_request" ADD COLUMN     "subject_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "facility_medical_institution_code_key" ON "identity"."facility"("medical_institution_code");

-- CreateIndex
CREATE UNIQUE INDEX "facility_care_provider_number_key" ON "identity"."facility"("care_provider_number");

