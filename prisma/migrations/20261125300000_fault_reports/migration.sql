-- CreateEnum
CREATE TYPE "identity"."FaultStatus" AS ENUM ('REPORTED', 'FORWARDED', 'INVESTIGATING', 'RESOLVED');

-- CreateTable
CREATE TABLE "identity"."fault_report" (
    "id" UUID NOT NULL,
    "facility_id" UUID NOT NULL,
    "reported_by" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "summary" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    "status" "identity"."FaultStatus" NOT NULL DEFAULT 'REPORTED',
    "response" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fault_report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."fault_step" (
    "id" UUID NOT NULL,
    "fault_id" UUID NOT NULL,
    "status" "identity"."FaultStatus" NOT NULL,
    "actor_id" UUID NOT NULL,
    "actor_role" "identity"."Role" NOT NULL,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fault_step_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "fault_report_status_created_at_idx" ON "identity"."fault_report"("status", "created_at");

-- CreateIndex
CREATE INDEX "fault_report_facility_id_idx" ON "identity"."fault_report"("facility_id");

-- CreateIndex
CREATE INDEX "fault_step_fault_id_at_idx" ON "identity"."fault_step"("fault_id", "at");

-- AddForeignKey
ALTER TABLE "identity"."fault_step" ADD CONSTRAINT "fault_step_fault_id_fkey" FOREIGN KEY ("fault_id") REFERENCES "identity"."fault_report"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

