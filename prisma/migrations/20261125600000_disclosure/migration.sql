-- CreateEnum
CREATE TYPE "consent"."DisclosureRequester" AS ENUM ('SUBJECT', 'FAMILY', 'LEGAL_REPRESENTATIVE');

-- CreateEnum
CREATE TYPE "consent"."DisclosureRequestStatus" AS ENUM ('RECEIVED', 'REPORTED');

-- CreateEnum
CREATE TYPE "consent"."DisclosureFormat" AS ENUM ('JSON', 'CSV');

-- CreateTable
CREATE TABLE "consent"."disclosure_request" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "requested_by" "consent"."DisclosureRequester" NOT NULL,
    "requester_name" TEXT,
    "relationship" TEXT,
    "received_via" TEXT NOT NULL,
    "received_on" DATE NOT NULL,
    "recorded_by" UUID NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "consent"."DisclosureRequestStatus" NOT NULL DEFAULT 'RECEIVED',

    CONSTRAINT "disclosure_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent"."disclosure_withholding" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "part" TEXT NOT NULL,
    "ground" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "decided_by" UUID NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "disclosure_withholding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent"."disclosure_export" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "format" "consent"."DisclosureFormat" NOT NULL,
    "exported_by" UUID NOT NULL,
    "exported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "disclosure_export_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "disclosure_request_subject_id_recorded_at_idx" ON "consent"."disclosure_request"("subject_id", "recorded_at");

-- CreateIndex
CREATE INDEX "disclosure_request_recorded_at_id_idx" ON "consent"."disclosure_request"("recorded_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "disclosure_withholding_request_id_part_key" ON "consent"."disclosure_withholding"("request_id", "part");

-- CreateIndex
CREATE INDEX "disclosure_export_request_id_exported_at_idx" ON "consent"."disclosure_export"("request_id", "exported_at");

-- AddForeignKey
ALTER TABLE "consent"."disclosure_withholding" ADD CONSTRAINT "disclosure_withholding_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "consent"."disclosure_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent"."disclosure_export" ADD CONSTRAINT "disclosure_export_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "consent"."disclosure_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Exports are audit evidence (appendix 5: exports are themselves audited), so
-- like the access records they are append-only.
CREATE FUNCTION "consent"."disclosure_export_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''disclosure_export is append-only'' USING ERRCODE = ''insufficient_privilege''\073 END';
CREATE TRIGGER "disclosure_export_no_update_or_delete" BEFORE UPDATE OR DELETE ON "consent"."disclosure_export"
  FOR EACH ROW EXECUTE FUNCTION "consent"."disclosure_export_is_append_only"();
CREATE TRIGGER "disclosure_export_no_truncate" BEFORE TRUNCATE ON "consent"."disclosure_export"
  FOR EACH STATEMENT EXECUTE FUNCTION "consent"."disclosure_export_is_append_only"();
