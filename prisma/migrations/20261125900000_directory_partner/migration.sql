-- Rooms' view of the partner registry (fed from identity's outbox by the directory-changed job)
CREATE TABLE "rooms"."directory_partner" (
    "partner_id" UUID NOT NULL,
    "active" BOOLEAN NOT NULL,
    "event_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_partner_pkey" PRIMARY KEY ("partner_id")
);
