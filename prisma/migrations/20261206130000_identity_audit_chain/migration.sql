-- Identity's audit trail joins the hash chains (issue 14, part 2): each event's
-- hash covers its content and the previous event's hash (lib/audit/audit-event-chain.ts),
-- so the signed checkpoints cover identity as they cover rooms and consent.
--
-- Events written before this migration keep NULL hashes: their canonical form is computed
-- in TypeScript, not here, so they cannot be chained retroactively. The verifier treats
-- them as the trail's unchained beginning. From now on, an event without a hash is refused.
ALTER TABLE "identity"."audit_event" ADD COLUMN "prev_hash" TEXT;
ALTER TABLE "identity"."audit_event" ADD COLUMN "hash" TEXT;
CREATE UNIQUE INDEX "audit_event_hash_key" ON "identity"."audit_event"("hash");

-- prisma migrate deploy splits scripts at every semicolon, even inside a
-- dollar-quoted body, so the body is an E-string with \073 for the semicolon.
CREATE FUNCTION "identity"."audit_event_must_be_chained"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN IF NEW.hash IS NULL OR NEW.prev_hash IS NULL THEN RAISE EXCEPTION ''audit_event rows must carry their chain hash'' USING ERRCODE = ''check_violation''\073 END IF\073 RETURN NEW\073 END';
CREATE TRIGGER "audit_event_chained" BEFORE INSERT ON "identity"."audit_event"
  FOR EACH ROW EXECUTE FUNCTION "identity"."audit_event_must_be_chained"();
