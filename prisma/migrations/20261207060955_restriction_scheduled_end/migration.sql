-- An Art. 23-1 restriction may carry its announced end (a maintenance window's): it stops being
-- in force at that instant by itself. Null keeps the old meaning, in force until lifted.

-- AlterTable
ALTER TABLE "identity"."system_restriction" ADD COLUMN     "scheduled_end_at" TIMESTAMPTZ(3);

-- By hand (Prisma cannot express a check): an end is after the start, whatever writes the row.
ALTER TABLE "identity"."system_restriction"
  ADD CONSTRAINT "system_restriction_scheduled_end_after_start"
  CHECK ("scheduled_end_at" IS NULL OR "scheduled_end_at" > "started_at");
