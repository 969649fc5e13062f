
-- AlterEnum
ALTER TYPE "rooms"."InboundJoinStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "identity"."partner" ADD COLUMN     "ca_certificates" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "identity"."partner_client_credential" (
    "id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "certificate_pem" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "sealed_key" TEXT NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "partner_client_credential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "partner_client_credential_partner_id_retired_at_idx" ON "identity"."partner_client_credential"("partner_id", "retired_at");

