
-- CreateEnum
CREATE TYPE "identity"."PartnerInboundAuthMethod" AS ENUM ('CONTRACT_JWT', 'SMART_BACKEND');

-- AlterEnum
ALTER TYPE "identity"."PartnerAuthMethod" ADD VALUE 'SMART_BACKEND';

-- AlterTable
ALTER TABLE "identity"."partner" ADD COLUMN     "inbound_auth" "identity"."PartnerInboundAuthMethod" NOT NULL DEFAULT 'CONTRACT_JWT',
ADD COLUMN     "jwks_url" TEXT;

-- CreateTable
CREATE TABLE "integration"."smart_access_token" (
    "token_hash" TEXT NOT NULL,
    "partner_id" UUID NOT NULL,
    "scopes" TEXT[],
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "smart_access_token_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE INDEX "smart_access_token_expires_at_idx" ON "integration"."smart_access_token"("expires_at");

