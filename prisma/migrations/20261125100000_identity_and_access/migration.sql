-- CreateEnum
CREATE TYPE "identity"."FacilityStatus" AS ENUM ('ACTIVE', 'STOPPED');

-- CreateEnum
CREATE TYPE "identity"."Role" AS ENUM ('SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER');

-- CreateEnum
CREATE TYPE "identity"."OrgUnitKind" AS ENUM ('ADMIN_DEPARTMENT', 'HOSPITAL');

-- CreateEnum
CREATE TYPE "identity"."UserStatus" AS ENUM ('ACTIVE', 'SUSPENDED', 'RETIRED', 'DISABLED_INACTIVE', 'DELETED');

-- CreateEnum
CREATE TYPE "identity"."ApplicationStatus" AS ENUM ('SUBMITTED', 'FORWARDED', 'APPROVED', 'REJECTED', 'APPLIED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "identity"."RestrictionScope" AS ENUM ('WHOLE_SYSTEM', 'READ_ONLY', 'OPERATIONS');

-- AlterTable
ALTER TABLE "identity"."facility" ADD COLUMN     "address" TEXT,
ADD COLUMN     "outside_city_reason" TEXT,
ADD COLUMN     "status" "identity"."FacilityStatus" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "stopped_at" TIMESTAMPTZ(3),
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "identity"."org_unit" (
    "id" UUID NOT NULL,
    "kind" "identity"."OrgUnitKind" NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "org_unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."user" (
    "id" UUID NOT NULL,
    "account_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_kana" TEXT NOT NULL,
    "facility_id" UUID NOT NULL,
    "role" "identity"."Role" NOT NULL,
    "org_unit_id" UUID,
    "status" "identity"."UserStatus" NOT NULL DEFAULT 'ACTIVE',
    "status_reason" TEXT,
    "password_hash" TEXT NOT NULL,
    "password_changed_at" TIMESTAMPTZ(3) NOT NULL,
    "must_change_password" BOOLEAN NOT NULL DEFAULT true,
    "failed_sign_ins" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),
    "last_active_at" TIMESTAMPTZ(3),
    "pledged_at" TIMESTAMPTZ(3) NOT NULL,
    "pledge_version" TEXT NOT NULL,
    "issued_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."password_history" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "password_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."session" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "certificate" TEXT,
    "address" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."client_certificate" (
    "id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "serial_number" TEXT NOT NULL,
    "facility_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "issued_by" UUID NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" UUID,
    "revoke_reason" TEXT,

    CONSTRAINT "client_certificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."application" (
    "id" UUID NOT NULL,
    "form" INTEGER NOT NULL,
    "status" "identity"."ApplicationStatus" NOT NULL DEFAULT 'SUBMITTED',
    "facility_id" UUID,
    "content" JSONB NOT NULL,
    "submitted_by" UUID NOT NULL,
    "on_paper_for" TEXT,
    "event_date" DATE,
    "late_submission" BOOLEAN NOT NULL DEFAULT false,
    "decision_reason" TEXT,
    "copy_to_system_admin" BOOLEAN NOT NULL DEFAULT false,
    "result_id" UUID,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."application_step" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actor_id" UUID NOT NULL,
    "actor_role" "identity"."Role" NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."system_restriction" (
    "id" UUID NOT NULL,
    "scope" "identity"."RestrictionScope" NOT NULL,
    "operations" TEXT[],
    "message" TEXT NOT NULL,
    "started_by" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_by" UUID,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "system_restriction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "actor_id" UUID,
    "actor_role" "identity"."Role",
    "certificate" TEXT,
    "address" TEXT,
    "target_type" TEXT,
    "target_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "org_unit_code_key" ON "identity"."org_unit"("code");

-- CreateIndex
CREATE UNIQUE INDEX "user_account_id_key" ON "identity"."user"("account_id");

-- CreateIndex
CREATE INDEX "user_facility_id_idx" ON "identity"."user"("facility_id");

-- CreateIndex
CREATE INDEX "password_history_user_id_created_at_idx" ON "identity"."password_history"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "session_token_hash_key" ON "identity"."session"("token_hash");

-- CreateIndex
CREATE INDEX "session_user_id_idx" ON "identity"."session"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "client_certificate_fingerprint_key" ON "identity"."client_certificate"("fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "client_certificate_serial_number_key" ON "identity"."client_certificate"("serial_number");

-- CreateIndex
CREATE INDEX "client_certificate_facility_id_idx" ON "identity"."client_certificate"("facility_id");

-- CreateIndex
CREATE INDEX "application_status_form_idx" ON "identity"."application"("status", "form");

-- CreateIndex
CREATE INDEX "application_facility_id_idx" ON "identity"."application"("facility_id");

-- CreateIndex
CREATE INDEX "application_step_application_id_at_idx" ON "identity"."application_step"("application_id", "at");

-- CreateIndex
CREATE INDEX "audit_event_at_idx" ON "identity"."audit_event"("at");

-- CreateIndex
CREATE INDEX "audit_event_actor_id_at_idx" ON "identity"."audit_event"("actor_id", "at");

-- AddForeignKey
ALTER TABLE "identity"."user" ADD CONSTRAINT "user_facility_id_fkey" FOREIGN KEY ("facility_id") REFERENCES "identity"."facility"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity"."user" ADD CONSTRAINT "user_org_unit_id_fkey" FOREIGN KEY ("org_unit_id") REFERENCES "identity"."org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity"."password_history" ADD CONSTRAINT "password_history_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "identity"."user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity"."session" ADD CONSTRAINT "session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "identity"."user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity"."application_step" ADD CONSTRAINT "application_step_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "identity"."application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Takaoka's departments and hospitals (Art. 4-2), the default configuration.
-- Another municipality replaces these rows by its own in a migration of its
-- deployment, and the code reads them from this table only.
INSERT INTO "identity"."org_unit" ("id", "kind", "code", "name") VALUES
  ('462dccbb-d8a1-5350-b929-f034d1c0557e', 'ADMIN_DEPARTMENT', 'shakai-fukushi', '社会福祉課'),
  ('a0c3a7ca-b34c-5f95-a7d3-417d18050e11', 'ADMIN_DEPARTMENT', 'kodomo-kosodate', '子ども・子育て課'),
  ('f3f849ba-0a84-54cf-a527-259902e679e1', 'ADMIN_DEPARTMENT', 'kenko-zoshin', '健康増進課'),
  ('f47481c8-68b6-55af-b5f2-7b81b54cba36', 'HOSPITAL', 'koseiren-takaoka', '厚生連高岡病院'),
  ('dd53cf98-e07f-5825-9d0b-d0d5e35150fa', 'HOSPITAL', 'saiseikai-takaoka', '済生会高岡病院'),
  ('52bae998-ce6f-5b0a-8e7c-f489b933cc80', 'HOSPITAL', 'jcho-takaoka-fushiki', 'JCHO高岡ふしき病院'),
  ('4f94e029-6b17-50a5-9b68-1db7a5032515', 'HOSPITAL', 'takaoka-shimin', '高岡市民病院');

-- Audit records are append-only, whatever role the application connects
-- with: UPDATE, DELETE and TRUNCATE are refused by triggers.
-- prisma migrate deploy splits scripts at every semicolon, even inside a
-- dollar-quoted body, so the body is an E-string with \073 for the semicolon.
CREATE FUNCTION "identity"."audit_event_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''audit_event is append-only'' USING ERRCODE = ''insufficient_privilege''\073 END';
CREATE TRIGGER "audit_event_no_update_or_delete" BEFORE UPDATE OR DELETE ON "identity"."audit_event"
  FOR EACH ROW EXECUTE FUNCTION "identity"."audit_event_is_append_only"();
CREATE TRIGGER "audit_event_no_truncate" BEFORE TRUNCATE ON "identity"."audit_event"
  FOR EACH STATEMENT EXECUTE FUNCTION "identity"."audit_event_is_append_only"();

-- Art. 4-3: one facility manager per facility, also when two approvals race.
CREATE UNIQUE INDEX "user_one_facility_manager" ON "identity"."user" ("facility_id")
  WHERE "role" = 'FACILITY_MANAGER' AND "status" IN ('ACTIVE', 'SUSPENDED');
