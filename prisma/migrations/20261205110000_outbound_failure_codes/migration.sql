-- AlterTable
ALTER TABLE "rooms"."outbound_join_request" ADD COLUMN     "last_failure_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_failure_code" TEXT,
ADD COLUMN     "send_attempted_at" TIMESTAMPTZ(3);
