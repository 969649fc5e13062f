-- Rooms' sharing view remembers until when an exception basis holds (its review date)
ALTER TABLE "rooms"."subject_sharing" ADD COLUMN "valid_through" DATE;
