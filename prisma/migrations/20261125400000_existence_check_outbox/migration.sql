-- CreateEnum
CREATE TYPE "rooms"."ExistenceCheckStatus" AS ENUM ('AT_FACILITY_MANAGER', 'AT_MANAGER', 'AT_SYSTEM_ADMIN', 'ANSWERED');

-- CreateTable
CREATE TABLE "rooms"."existence_check" (
    "id" UUID NOT NULL,
    "requested_by" UUID NOT NULL,
    "facility_id" UUID NOT NULL,
    "name_kana" TEXT NOT NULL,
    "birth_date" DATE NOT NULL,
    "status" "rooms"."ExistenceCheckStatus" NOT NULL DEFAULT 'AT_FACILITY_MANAGER',
    "room_exists" BOOLEAN,
    "contact" TEXT,
    "answered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "existence_check_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."existence_check_step" (
    "id" UUID NOT NULL,
    "check_id" UUID NOT NULL,
    "status" "rooms"."ExistenceCheckStatus" NOT NULL,
    "actor_id" UUID NOT NULL,
    "actor_role" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "existence_check_step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent"."outbox_event" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."room_notice" (
    "id" UUID NOT NULL,
    "room_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "cause_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "room_notice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "existence_check_status_created_at_idx" ON "rooms"."existence_check"("status", "created_at");

-- CreateIndex
CREATE INDEX "existence_check_step_check_id_at_idx" ON "rooms"."existence_check_step"("check_id", "at");

-- CreateIndex
CREATE INDEX "outbox_event_relayed_at_created_at_idx" ON "consent"."outbox_event"("relayed_at", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "room_notice_cause_id_key" ON "rooms"."room_notice"("cause_id");

-- CreateIndex
CREATE INDEX "room_notice_room_id_created_at_idx" ON "rooms"."room_notice"("room_id", "created_at");

-- AddForeignKey
ALTER TABLE "rooms"."existence_check_step" ADD CONSTRAINT "existence_check_step_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "rooms"."existence_check"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

