-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "consent";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "identity";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "integration";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "rooms";

-- CreateEnum
CREATE TYPE "identity"."FacilityKind" AS ENUM ('MEDICAL_INSTITUTION', 'MIDWIFERY_HOME', 'PHARMACY', 'CARE_INSURANCE_SERVICE', 'DISABILITY_WELFARE_SERVICE', 'CHILD_WELFARE_FACILITY', 'EDUCATION_BODY', 'OTHER_APPROVED');

-- CreateEnum
CREATE TYPE "rooms"."RoomStatus" AS ENUM ('OPEN', 'SUSPENDED', 'CLOSED');

-- CreateEnum
CREATE TYPE "consent"."ConsentState" AS ENUM ('GRANTED', 'WITHDRAWN');

-- CreateTable
CREATE TABLE "identity"."facility" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "identity"."FacilityKind" NOT NULL,
    "inside_city" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "facility_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."subject" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_kana" TEXT NOT NULL,
    "birth_date" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."room" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "status" "rooms"."RoomStatus" NOT NULL DEFAULT 'OPEN',
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "room_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent"."consent_record" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "state" "consent"."ConsentState" NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consent_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."worker_heartbeat" (
    "id" BIGSERIAL NOT NULL,
    "job_id" TEXT NOT NULL,
    "worker" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "worker_heartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "room_subject_id_idx" ON "rooms"."room"("subject_id");

-- CreateIndex
CREATE INDEX "room_opened_at_id_idx" ON "rooms"."room"("opened_at", "id");

-- CreateIndex
CREATE INDEX "consent_record_subject_id_recorded_at_idx" ON "consent"."consent_record"("subject_id", "recorded_at");

-- CreateIndex
CREATE UNIQUE INDEX "worker_heartbeat_job_id_key" ON "integration"."worker_heartbeat"("job_id");


-- Art. 9: one room per subject. A closed room is kept read-only, so the rule
-- is "at most one room that is not closed", and Prisma cannot express a partial
-- unique index, hence raw SQL here.
CREATE UNIQUE INDEX "room_one_active_per_subject" ON "rooms"."room" ("subject_id") WHERE "status" <> 'CLOSED';
