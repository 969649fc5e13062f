-- CreateEnum
CREATE TYPE "identity"."CertificateExpiryKind" AS ENUM ('TERMINAL', 'CA', 'SERVER');

-- CreateTable
CREATE TABLE "identity"."certificate_expiry_notice" (
    "id" UUID NOT NULL,
    "kind" "identity"."CertificateExpiryKind" NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "threshold_days" INTEGER NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "certificate_id" UUID,
    "facility_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "certificate_expiry_notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."certificate_expiry_recipient" (
    "notice_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,

    CONSTRAINT "certificate_expiry_recipient_pkey" PRIMARY KEY ("notice_id","user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "certificate_expiry_notice_fingerprint_threshold_days_key" ON "identity"."certificate_expiry_notice"("fingerprint", "threshold_days");

-- CreateIndex
CREATE INDEX "certificate_expiry_recipient_user_id_idx" ON "identity"."certificate_expiry_recipient"("user_id");

-- AddForeignKey
ALTER TABLE "identity"."certificate_expiry_recipient" ADD CONSTRAINT "certificate_expiry_recipient_notice_id_fkey" FOREIGN KEY ("notice_id") REFERENCES "identity"."certificate_expiry_notice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

