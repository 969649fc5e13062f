-- CreateEnum
CREATE TYPE "rooms"."EmergencyAccessReason" AS ENUM ('DISASTER', 'URGENT_RISK_TO_LIFE_BODY_PROPERTY');

-- AlterTable
ALTER TABLE "rooms"."access_record" ADD COLUMN     "emergency_access_id" UUID;

-- CreateTable
CREATE TABLE "rooms"."emergency_access" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "reason" "rooms"."EmergencyAccessReason" NOT NULL,
    "justification" TEXT NOT NULL,
    "declared_by" UUID NOT NULL,
    "declared_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "ended_by" UUID,
    "reviewed_by" UUID,
    "reviewed_at" TIMESTAMPTZ(3),
    "findings" TEXT,

    CONSTRAINT "emergency_access_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."emergency_access_grantee" (
    "emergency_access_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,

    CONSTRAINT "emergency_access_grantee_pkey" PRIMARY KEY ("emergency_access_id","user_id")
);

-- CreateIndex
CREATE INDEX "emergency_access_subject_id_ends_at_idx" ON "rooms"."emergency_access"("subject_id", "ends_at");

-- CreateIndex
CREATE INDEX "emergency_access_declared_at_id_idx" ON "rooms"."emergency_access"("declared_at", "id");

-- CreateIndex
CREATE INDEX "emergency_access_grantee_user_id_idx" ON "rooms"."emergency_access_grantee"("user_id");

-- CreateIndex
CREATE INDEX "access_record_emergency_access_id_idx" ON "rooms"."access_record"("emergency_access_id");

-- AddForeignKey
ALTER TABLE "rooms"."emergency_access_grantee" ADD CONSTRAINT "emergency_access_grantee_emergency_access_id_fkey" FOREIGN KEY ("emergency_access_id") REFERENCES "rooms"."emergency_access"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The window is at most 72 hours (MHLW safety guideline 6.0: break-glass ends by itself), and an early end and a
-- review are recorded whole.
ALTER TABLE "rooms"."emergency_access" ADD CONSTRAINT "emergency_access_window_check"
    CHECK ("ends_at" > "declared_at" AND "ends_at" <= "declared_at" + INTERVAL '72 hours');
ALTER TABLE "rooms"."emergency_access" ADD CONSTRAINT "emergency_access_ended_check"
    CHECK (("ended_at" IS NULL) = ("ended_by" IS NULL));
ALTER TABLE "rooms"."emergency_access" ADD CONSTRAINT "emergency_access_review_check"
    CHECK (("reviewed_at" IS NULL) = ("reviewed_by" IS NULL) AND ("reviewed_at" IS NULL) = ("findings" IS NULL));
