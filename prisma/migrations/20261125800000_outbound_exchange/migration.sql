-- Art. 20-3 outbound partner joins, external memberships and the exchange's dead letters (rooms)

-- CreateEnum
CREATE TYPE "rooms"."OutboundJoinStatus" AS ENUM ('SUBMITTED', 'FORWARDED', 'APPROVED', 'REJECTED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "rooms"."OutboundExchangeStatus" AS ENUM ('NOT_SENT', 'RECEIVED', 'ACCEPTED', 'REJECTED', 'COMPLETED', 'CANCELLED', 'REFUSED');

-- CreateEnum
CREATE TYPE "rooms"."ExternalMembershipStatus" AS ENUM ('ACTIVE', 'ENDED');

-- CreateTable
CREATE TABLE "rooms"."outbound_join_request" (
    "id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "share_code" TEXT,
    "reason" TEXT NOT NULL,
    "facility_id" UUID NOT NULL,
    "requested_by" UUID NOT NULL,
    "status" "rooms"."OutboundJoinStatus" NOT NULL DEFAULT 'SUBMITTED',
    "decision_reason" TEXT,
    "exchange_status" "rooms"."OutboundExchangeStatus" NOT NULL DEFAULT 'NOT_SENT',
    "partner_task_id" TEXT,
    "exchange_reason" TEXT,
    "poll_count" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    "last_polled_at" TIMESTAMPTZ(3),
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_join_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."outbound_join_step" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actor_id" UUID,
    "actor_role" TEXT,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_join_step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."external_membership" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "facility_id" UUID NOT NULL,
    "care_team_id" TEXT NOT NULL,
    "room_status" TEXT NOT NULL,
    "status" "rooms"."ExternalMembershipStatus" NOT NULL DEFAULT 'ACTIVE',
    "ended_reason" TEXT,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "last_synced_at" TIMESTAMPTZ(3),

    CONSTRAINT "external_membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."exchange_dead_letter" (
    "id" UUID NOT NULL,
    "queue" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "job_name" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL,
    "error_code" TEXT NOT NULL,
    "error_summary" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retried_at" TIMESTAMPTZ(3),
    "retried_by" UUID,
    "retry_event_id" UUID,

    CONSTRAINT "exchange_dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbound_join_request_status_submitted_at_idx" ON "rooms"."outbound_join_request"("status", "submitted_at");

-- CreateIndex
CREATE INDEX "outbound_join_request_facility_id_idx" ON "rooms"."outbound_join_request"("facility_id");

-- CreateIndex
CREATE INDEX "outbound_join_request_requested_by_idx" ON "rooms"."outbound_join_request"("requested_by");

-- CreateIndex
CREATE INDEX "outbound_join_step_request_id_at_idx" ON "rooms"."outbound_join_step"("request_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "external_membership_request_id_key" ON "rooms"."external_membership"("request_id");

-- CreateIndex
CREATE INDEX "external_membership_user_id_idx" ON "rooms"."external_membership"("user_id");

-- CreateIndex
CREATE INDEX "external_membership_status_last_synced_at_idx" ON "rooms"."external_membership"("status", "last_synced_at");

-- CreateIndex
CREATE INDEX "exchange_dead_letter_retried_at_created_at_idx" ON "rooms"."exchange_dead_letter"("retried_at", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "exchange_dead_letter_queue_job_id_key" ON "rooms"."exchange_dead_letter"("queue", "job_id");

-- AddForeignKey
ALTER TABLE "rooms"."outbound_join_step" ADD CONSTRAINT "outbound_join_step_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "rooms"."outbound_join_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
