
-- AlterTable
ALTER TABLE "identity"."subject" ADD COLUMN     "registered_by" UUID,
ADD COLUMN     "registered_facility_id" UUID;

-- CreateTable
CREATE TABLE "identity"."care_relationship" (
    "id" BIGSERIAL NOT NULL,
    "subject_id" UUID NOT NULL,
    "holder_kind" TEXT NOT NULL,
    "holder_id" UUID,
    "basis" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3),

    CONSTRAINT "care_relationship_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."care_relationship_version" (
    "subject_id" UUID NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "care_relationship_version_pkey" PRIMARY KEY ("subject_id")
);

-- CreateTable
CREATE TABLE "rooms"."care_relationship" (
    "id" BIGSERIAL NOT NULL,
    "subject_id" UUID NOT NULL,
    "holder_kind" TEXT NOT NULL,
    "holder_id" UUID,
    "basis" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3),

    CONSTRAINT "care_relationship_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."care_relationship_version" (
    "subject_id" UUID NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "care_relationship_version_pkey" PRIMARY KEY ("subject_id")
);

-- CreateTable
CREATE TABLE "consent"."care_relationship" (
    "id" BIGSERIAL NOT NULL,
    "subject_id" UUID NOT NULL,
    "holder_kind" TEXT NOT NULL,
    "holder_id" UUID,
    "basis" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3),

    CONSTRAINT "care_relationship_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent"."care_relationship_version" (
    "subject_id" UUID NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "care_relationship_version_pkey" PRIMARY KEY ("subject_id")
);

-- CreateIndex
CREATE INDEX "care_relationship_subject_id_idx" ON "identity"."care_relationship"("subject_id");

-- CreateIndex
CREATE INDEX "care_relationship_subject_id_idx" ON "rooms"."care_relationship"("subject_id");

-- CreateIndex
CREATE INDEX "care_relationship_subject_id_idx" ON "consent"."care_relationship"("subject_id");


-- Added by hand: subjects registered before registered_by existed get it from
-- identity's audit trail (the successful subject.register row names the
-- actor), and the facility from that user. Rooms' and consent's views are
-- filled by the care-relationships-backfill job for subjects without a set.
UPDATE "identity"."subject" AS s
SET "registered_by" = a."actor_id", "registered_facility_id" = u."facility_id"
FROM "identity"."audit_event" AS a
JOIN "identity"."user" AS u ON u."id" = a."actor_id"
WHERE a."action" = 'subject.register' AND a."outcome" = 'SUCCESS' AND a."target_id" = s."id"::text AND s."registered_by" IS NULL;
