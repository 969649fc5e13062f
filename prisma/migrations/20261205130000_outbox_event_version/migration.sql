-- Outbox events carry the version of their definition and the request that caused them (issue 12 item 4).
-- AlterTable
ALTER TABLE "consent"."outbox_event" ADD COLUMN     "request_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "rooms"."outbox_event" ADD COLUMN     "request_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "integration"."outbox_event" ADD COLUMN     "request_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "identity"."outbox_event" ADD COLUMN     "request_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

