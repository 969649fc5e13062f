
-- CreateEnum
CREATE TYPE "identity"."PartnerStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "identity"."PartnerAuthMethod" AS ENUM ('JWT', 'MTLS');

-- CreateEnum
CREATE TYPE "rooms"."InboundJoinStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "integration"."InboundTaskStatus" AS ENUM ('RECEIVED', 'ACCEPTED', 'REJECTED', 'COMPLETED', 'CANCELLED');

-- CreateTable
CREATE TABLE "identity"."partner" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "fhir_base_url" TEXT NOT NULL,
    "requester_system" TEXT NOT NULL,
    "user_system" TEXT NOT NULL,
    "jwks" JSONB NOT NULL DEFAULT '{"keys":[]}',
    "certificate_fingerprints" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "outbound_auth" "identity"."PartnerAuthMethod" NOT NULL DEFAULT 'JWT',
    "our_client_id" TEXT,
    "status" "identity"."PartnerStatus" NOT NULL DEFAULT 'ACTIVE',
    "status_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status_changed_by" UUID,
    "status_reason" TEXT,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."outbox_event" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."outbox_event" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."room_share_code" (
    "id" UUID NOT NULL,
    "room_id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "issued_by" UUID NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" UUID,

    CONSTRAINT "room_share_code_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."inbound_join_request" (
    "id" UUID NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "room_id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "share_code_id" UUID NOT NULL,
    "task_identifier" TEXT NOT NULL,
    "requester_name" TEXT,
    "practitioner_system" TEXT NOT NULL,
    "practitioner_value" TEXT NOT NULL,
    "practitioner_name" TEXT NOT NULL,
    "organization_name" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "rooms"."InboundJoinStatus" NOT NULL DEFAULT 'PENDING',
    "decided_by" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decision_reason" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_join_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."inbound_join_step" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actor_id" UUID,
    "actor_role" TEXT,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_join_step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."external_participant" (
    "id" UUID NOT NULL,
    "room_id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "join_request_id" UUID NOT NULL,
    "practitioner_system" TEXT NOT NULL,
    "practitioner_value" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "organization_name" TEXT NOT NULL,
    "added_by" UUID NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" TIMESTAMPTZ(3),
    "removed_by" UUID,
    "removed_reason" TEXT,

    CONSTRAINT "external_participant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."inbound_task" (
    "id" UUID NOT NULL,
    "partner_id" UUID NOT NULL,
    "identifier_system" TEXT NOT NULL,
    "identifier_value" TEXT NOT NULL,
    "share_code_id" UUID NOT NULL,
    "room_id" UUID NOT NULL,
    "status" "integration"."InboundTaskStatus" NOT NULL DEFAULT 'RECEIVED',
    "status_reason" TEXT,
    "history" JSONB NOT NULL DEFAULT '[]',
    "task" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."used_jwt_id" (
    "partner_id" UUID NOT NULL,
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "used_jwt_id_pkey" PRIMARY KEY ("partner_id","jti")
);

-- CreateIndex
CREATE INDEX "outbox_event_relayed_at_created_at_idx" ON "rooms"."outbox_event"("relayed_at", "created_at");

-- CreateIndex
CREATE INDEX "outbox_event_relayed_at_created_at_idx" ON "integration"."outbox_event"("relayed_at", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "room_share_code_code_hash_key" ON "rooms"."room_share_code"("code_hash");

-- CreateIndex
CREATE INDEX "room_share_code_room_id_idx" ON "rooms"."room_share_code"("room_id");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_join_request_correlation_id_key" ON "rooms"."inbound_join_request"("correlation_id");

-- CreateIndex
CREATE INDEX "inbound_join_request_status_received_at_idx" ON "rooms"."inbound_join_request"("status", "received_at");

-- CreateIndex
CREATE INDEX "inbound_join_request_room_id_idx" ON "rooms"."inbound_join_request"("room_id");

-- CreateIndex
CREATE INDEX "inbound_join_step_request_id_at_idx" ON "rooms"."inbound_join_step"("request_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "external_participant_join_request_id_key" ON "rooms"."external_participant"("join_request_id");

-- CreateIndex
CREATE INDEX "external_participant_room_id_idx" ON "rooms"."external_participant"("room_id");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_task_partner_id_identifier_system_identifier_value_key" ON "integration"."inbound_task"("partner_id", "identifier_system", "identifier_value");

-- CreateIndex
CREATE INDEX "used_jwt_id_expires_at_idx" ON "integration"."used_jwt_id"("expires_at");

-- AddForeignKey
ALTER TABLE "rooms"."inbound_join_step" ADD CONSTRAINT "inbound_join_step_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "rooms"."inbound_join_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

