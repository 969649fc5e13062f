-- CreateEnum
CREATE TYPE "identity"."SubjectSex" AS ENUM ('FEMALE', 'MALE', 'OTHER', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "identity"."SubjectCategory" AS ENUM ('RECEIVING_HOME_SUPPORT', 'EXPECTED_TO_NEED_SUPPORT', 'OTHER_APPROVED_BY_CITY');

-- CreateEnum
CREATE TYPE "rooms"."PostCategory" AS ENUM ('BASIC', 'FAMILY', 'MEDICAL', 'CARE_SERVICES', 'HEALTH_PROGRAMS', 'PHYSICAL_LIVING_FUNCTION', 'HOUSING', 'COORDINATION', 'OTHER');

-- CreateEnum
CREATE TYPE "consent"."LegalBasis" AS ENUM ('CHILD_REQUIRING_PROTECTION', 'CHILD_REQUIRING_SUPPORT', 'SPECIFIC_EXPECTANT_MOTHER', 'ELDER_ABUSE', 'DISABLED_ABUSE', 'DISASTER', 'URGENT_RISK_TO_LIFE_BODY_PROPERTY');

-- AlterTable
ALTER TABLE "identity"."subject" ADD COLUMN     "address" TEXT,
ADD COLUMN     "category" "identity"."SubjectCategory" NOT NULL DEFAULT 'RECEIVING_HOME_SUPPORT',
ADD COLUMN     "identifiers" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "name_key" TEXT,
ADD COLUMN     "sex" "identity"."SubjectSex" NOT NULL DEFAULT 'UNKNOWN';

-- AlterTable
ALTER TABLE "rooms"."room" ADD COLUMN     "closed_reason" TEXT,
ADD COLUMN     "opened_by" UUID;

-- AlterTable
ALTER TABLE "consent"."consent_record" ADD COLUMN     "explained_by" UUID,
ADD COLUMN     "explained_on" DATE,
ADD COLUMN     "purposes" TEXT[],
ADD COLUMN     "recorded_by" UUID,
ADD COLUMN     "relationship" TEXT,
ADD COLUMN     "scan_reference" TEXT,
ADD COLUMN     "signed_by" TEXT,
ADD COLUMN     "signed_on" DATE,
ADD COLUMN     "signer_name" TEXT,
ADD COLUMN     "withdrawal_reason" TEXT;

-- CreateTable
CREATE TABLE "rooms"."room_member" (
    "id" UUID NOT NULL,
    "room_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "added_by" UUID NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" TIMESTAMPTZ(3),
    "removed_by" UUID,

    CONSTRAINT "room_member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."post" (
    "id" UUID NOT NULL,
    "room_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "category" "rooms"."PostCategory" NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "edited_at" TIMESTAMPTZ(3),
    "removed_at" TIMESTAMPTZ(3),
    "removed_by" UUID,
    "removal_reason" TEXT,

    CONSTRAINT "post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."post_revision" (
    "id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "category" "rooms"."PostCategory" NOT NULL,
    "body" TEXT NOT NULL,
    "replaced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replaced_by" UUID NOT NULL,

    CONSTRAINT "post_revision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."post_read" (
    "post_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "post_read_pkey" PRIMARY KEY ("post_id","user_id")
);

-- CreateTable
CREATE TABLE "rooms"."meeting" (
    "id" UUID NOT NULL,
    "room_id" UUID NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "agenda" TEXT NOT NULL,
    "minutes" TEXT,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."access_record" (
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_role" TEXT,
    "subject_id" UUID,
    "room_id" UUID,
    "action" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "access_record_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "consent"."access_record" (
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_role" TEXT,
    "subject_id" UUID,
    "room_id" UUID,
    "action" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "access_record_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "consent"."legal_exception" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "basis" "consent"."LegalBasis" NOT NULL,
    "decided_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "review_on" DATE NOT NULL,
    "recorded_by" UUID NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "legal_exception_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "room_member_room_id_idx" ON "rooms"."room_member"("room_id");

-- CreateIndex
CREATE INDEX "room_member_user_id_idx" ON "rooms"."room_member"("user_id");

-- CreateIndex
CREATE INDEX "post_room_id_created_at_id_idx" ON "rooms"."post"("room_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "post_revision_post_id_replaced_at_idx" ON "rooms"."post_revision"("post_id", "replaced_at");

-- CreateIndex
CREATE INDEX "meeting_room_id_scheduled_at_idx" ON "rooms"."meeting"("room_id", "scheduled_at");

-- CreateIndex
CREATE UNIQUE INDEX "access_record_hash_key" ON "rooms"."access_record"("hash");

-- CreateIndex
CREATE INDEX "access_record_subject_id_at_idx" ON "rooms"."access_record"("subject_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "access_record_hash_key" ON "consent"."access_record"("hash");

-- CreateIndex
CREATE INDEX "access_record_subject_id_at_idx" ON "consent"."access_record"("subject_id", "at");

-- CreateIndex
CREATE INDEX "legal_exception_subject_id_idx" ON "consent"."legal_exception"("subject_id");

-- CreateIndex
CREATE INDEX "subject_name_key_birth_date_idx" ON "identity"."subject"("name_key", "birth_date");

-- AddForeignKey
ALTER TABLE "rooms"."room_member" ADD CONSTRAINT "room_member_room_id_fkey" FOREIGN KEY ("room_id") REFERENCES "rooms"."room"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rooms"."post" ADD CONSTRAINT "post_room_id_fkey" FOREIGN KEY ("room_id") REFERENCES "rooms"."room"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rooms"."post_revision" ADD CONSTRAINT "post_revision_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "rooms"."post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rooms"."post_read" ADD CONSTRAINT "post_read_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "rooms"."post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rooms"."meeting" ADD CONSTRAINT "meeting_room_id_fkey" FOREIGN KEY ("room_id") REFERENCES "rooms"."room"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- A user is a member of a room at most once at a time.
CREATE UNIQUE INDEX "room_member_active" ON "rooms"."room_member" ("room_id", "user_id") WHERE "removed_at" IS NULL;

-- Access records are append-only (the hash chain detects what a trigger
-- cannot stop, such as a superuser's direct edit).
CREATE FUNCTION "rooms"."access_record_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''access_record is append-only'' USING ERRCODE = ''insufficient_privilege''\073 END';
CREATE TRIGGER "access_record_no_update_or_delete" BEFORE UPDATE OR DELETE ON "rooms"."access_record"
  FOR EACH ROW EXECUTE FUNCTION "rooms"."access_record_is_append_only"();
CREATE TRIGGER "access_record_no_truncate" BEFORE TRUNCATE ON "rooms"."access_record"
  FOR EACH STATEMENT EXECUTE FUNCTION "rooms"."access_record_is_append_only"();
CREATE FUNCTION "consent"."access_record_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''access_record is append-only'' USING ERRCODE = ''insufficient_privilege''\073 END';
CREATE TRIGGER "access_record_no_update_or_delete" BEFORE UPDATE OR DELETE ON "consent"."access_record"
  FOR EACH ROW EXECUTE FUNCTION "consent"."access_record_is_append_only"();
CREATE TRIGGER "access_record_no_truncate" BEFORE TRUNCATE ON "consent"."access_record"
  FOR EACH STATEMENT EXECUTE FUNCTION "consent"."access_record_is_append_only"();
