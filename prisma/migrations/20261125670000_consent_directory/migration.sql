-- Consent's view of registered subjects (fed from identity's outbox by the directory-changed job)
CREATE TABLE "consent"."directory_subject" (
    "subject_id" UUID NOT NULL,
    "event_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_subject_pkey" PRIMARY KEY ("subject_id")
);
