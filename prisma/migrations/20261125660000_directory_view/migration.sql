-- Identity's outbox and rooms' directory view (users, subjects)
-- CreateTable
CREATE TABLE "identity"."outbox_event" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms"."directory_user" (
    "user_id" UUID NOT NULL,
    "facility_id" UUID NOT NULL,
    "facility_kind" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "event_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_user_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "rooms"."directory_subject" (
    "subject_id" UUID NOT NULL,
    "event_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_subject_pkey" PRIMARY KEY ("subject_id")
);

-- CreateIndex
CREATE INDEX "outbox_event_relayed_at_created_at_idx" ON "identity"."outbox_event"("relayed_at", "created_at");

-- CreateIndex
CREATE INDEX "directory_user_facility_id_idx" ON "rooms"."directory_user"("facility_id");
