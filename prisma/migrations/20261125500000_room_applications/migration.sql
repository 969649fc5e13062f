-- CreateEnum
CREATE TYPE "rooms"."RoomApplicationStatus" AS ENUM ('SUBMITTED', 'FORWARDED', 'APPROVED', 'REJECTED', 'APPLIED', 'WITHDRAWN');

-- CreateTable
CREATE TABLE "rooms"."room_application" (
    "id" UUID NOT NULL,
    "form" INTEGER NOT NULL,
    "status" "rooms"."RoomApplicationStatus" NOT NULL DEFAULT 'SUBMITTED',
    "facility_id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "room_id" UUID,
    "content" JSONB NOT NULL,
    "submitted_by" UUID NOT NULL,
    "decision_reason" TEXT,
    "copy_to_system_admin" BOOLEAN NOT NULL DEFAULT false,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "room_application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."room_application_step" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actor_id" UUID NOT NULL,
    "actor_role" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "room_application_step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."subject_sharing" (
    "subject_id" UUID NOT NULL,
    "allowed" BOOLEAN NOT NULL,
    "basis" TEXT,
    "event_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subject_sharing_pkey" PRIMARY KEY ("subject_id")
);

-- CreateIndex
CREATE INDEX "room_application_status_submitted_at_idx" ON "rooms"."room_application"("status", "submitted_at");

-- CreateIndex
CREATE INDEX "room_application_facility_id_idx" ON "rooms"."room_application"("facility_id");

-- CreateIndex
CREATE INDEX "room_application_step_application_id_at_idx" ON "rooms"."room_application_step"("application_id", "at");

-- AddForeignKey
ALTER TABLE "rooms"."room_application_step" ADD CONSTRAINT "room_application_step_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "rooms"."room_application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

