
-- CreateEnum
CREATE TYPE "integration"."OutboundSubscriptionStatus" AS ENUM ('REQUESTED', 'CREATED', 'ACTIVE', 'NOT_OFFERED', 'ERROR', 'ENDING', 'ENDED');

-- AlterTable
ALTER TABLE "identity"."partner" ADD COLUMN     "subscribe_at_partner" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "integration"."outbound_subscription" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "partner_task_id" TEXT NOT NULL,
    "status" "integration"."OutboundSubscriptionStatus" NOT NULL DEFAULT 'REQUESTED',
    "partner_subscription_id" TEXT,
    "last_error_code" TEXT,
    "last_notified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."partner_push_offer" (
    "partner_id" UUID NOT NULL,
    "offered" BOOLEAN NOT NULL,
    "topic" TEXT,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "partner_push_offer_pkey" PRIMARY KEY ("partner_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbound_subscription_request_id_key" ON "integration"."outbound_subscription"("request_id");

-- CreateIndex
CREATE INDEX "outbound_subscription_partner_id_status_idx" ON "integration"."outbound_subscription"("partner_id", "status");

