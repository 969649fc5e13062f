-- External memberships: when the sync job last tried (read or not), so a partner that is down cannot starve the others
-- AlterTable
ALTER TABLE "rooms"."external_membership" ADD COLUMN     "sync_tried_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "external_membership_status_sync_tried_at_idx" ON "rooms"."external_membership"("status", "sync_tried_at");

