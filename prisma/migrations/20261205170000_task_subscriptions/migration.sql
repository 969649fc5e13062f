
-- CreateEnum
CREATE TYPE "integration"."TaskSubscriptionStatus" AS ENUM ('REQUESTED', 'ACTIVE', 'ERROR', 'OFF');

-- CreateEnum
CREATE TYPE "integration"."TaskSubscriptionPayload" AS ENUM ('ID_ONLY', 'FULL_RESOURCE');

-- CreateTable
CREATE TABLE "integration"."task_subscription" (
    "id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "status" "integration"."TaskSubscriptionStatus" NOT NULL DEFAULT 'REQUESTED',
    "task_id" UUID,
    "endpoint" TEXT NOT NULL,
    "headers" TEXT[],
    "payload_content" "integration"."TaskSubscriptionPayload" NOT NULL,
    "reason" TEXT NOT NULL,
    "events_issued" INTEGER NOT NULL DEFAULT 0,
    "delivered_up_to" INTEGER NOT NULL DEFAULT 0,
    "last_error_code" TEXT,
    "lease_token" UUID,
    "lease_until" TIMESTAMPTZ(3),
    "recheck" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."task_subscription_event" (
    "subscription_id" UUID NOT NULL,
    "event_number" INTEGER NOT NULL,
    "task_id" UUID NOT NULL,
    "status" "integration"."InboundTaskStatus" NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "task_subscription_event_pkey" PRIMARY KEY ("subscription_id","event_number")
);

-- CreateIndex
CREATE INDEX "task_subscription_partner_id_status_idx" ON "integration"."task_subscription"("partner_id", "status");

-- AddForeignKey
ALTER TABLE "integration"."task_subscription_event" ADD CONSTRAINT "task_subscription_event_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "integration"."task_subscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Every status change of an inbound join Task, in the transaction that makes it, becomes one
-- numbered event per live subscription of the Task's partner that covers it, and one outbox event
-- that asks the delivery job to send it (adapters/jobs/task-subscription-notify.ts).
-- A trigger rather than a call in each service: every path that moves a Task (a decision, the
-- requester's cancellation, a revoked share code, a suspended partner, a closed room) is covered,
-- also the ones added later, and none can forget it.
-- The body is an escape string with every statement end written as \x3B: prisma migrate deploy
-- splits a script at each semicolon character, also inside a dollar-quoted body.
CREATE FUNCTION "integration"."task_subscription_record_status_change"() RETURNS trigger
LANGUAGE plpgsql AS E'
DECLARE
  subscription RECORD\x3B
BEGIN
  FOR subscription IN
    UPDATE "integration"."task_subscription"
       SET "events_issued" = "events_issued" + 1
     WHERE "partner_id" = NEW."partner_id"
       AND "status" IN (''REQUESTED'', ''ACTIVE'', ''ERROR'')
       AND ("task_id" IS NULL OR "task_id" = NEW."id")
    RETURNING "id", "events_issued"
  LOOP
    INSERT INTO "integration"."task_subscription_event" ("subscription_id", "event_number", "task_id", "status", "occurred_at")
    VALUES (subscription."id", subscription."events_issued", NEW."id", NEW."status", clock_timestamp())\x3B
    INSERT INTO "integration"."outbox_event" ("id", "type", "payload", "version")
    VALUES (gen_random_uuid(), ''task-subscription.notify'', jsonb_build_object(''subscriptionId'', subscription."id"), 1)\x3B
  END LOOP\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER "inbound_task_status_changed"
AFTER UPDATE OF "status" ON "integration"."inbound_task"
FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status")
EXECUTE FUNCTION "integration"."task_subscription_record_status_change"();
