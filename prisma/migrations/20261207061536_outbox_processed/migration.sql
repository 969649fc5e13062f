-- When an outbox event's job finished for good. A restore relays again the events relayed but not
-- finished (their jobs were in Redis, which no archive holds): lib/backup/restore-run.ts.

-- AlterTable
ALTER TABLE "consent"."outbox_event" ADD COLUMN     "processed_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "rooms"."outbox_event" ADD COLUMN     "processed_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "integration"."outbox_event" ADD COLUMN     "processed_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "identity"."outbox_event" ADD COLUMN     "processed_at" TIMESTAMPTZ(3);

-- By hand: the events relayed before this column existed count as finished, or the first restore
-- after this migration would run every job of the installation's history again.
UPDATE "consent"."outbox_event" SET "processed_at" = "relayed_at" WHERE "relayed_at" IS NOT NULL;
UPDATE "rooms"."outbox_event" SET "processed_at" = "relayed_at" WHERE "relayed_at" IS NOT NULL;
UPDATE "integration"."outbox_event" SET "processed_at" = "relayed_at" WHERE "relayed_at" IS NOT NULL;
UPDATE "identity"."outbox_event" SET "processed_at" = "relayed_at" WHERE "relayed_at" IS NOT NULL;
