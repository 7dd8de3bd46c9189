-- Lot status (issue 14, item 2). A lot's status is worked out by the database from the
-- facts it rests on, so that it can never disagree with them and lists can filter on it:
--   registered -> under_inspection -> accepted | not_accepted -> dispositioned | released,
--   or cancelled.
-- The facts: the verdict of the lot's latest decision (ISO 2859-1: on its original
-- inspection) and whether its latest resubmission (7.6) was accepted, both set by the
-- decision trigger below; the disposition of a lot not accepted (7.5); its release; its
-- cancellation with a reason.
ALTER TABLE lots
    ADD COLUMN verdict text CHECK (verdict IN ('accept', 'reject', 'pending')),
    ADD COLUMN accepted_on_resubmission boolean NOT NULL DEFAULT false,
    ADD COLUMN disposition text
        CHECK (disposition IN ('scrap', 'sort', 'rework', 'return_to_supplier', 'use_as_is')),
    ADD COLUMN released_at timestamptz,
    ADD COLUMN cancelled_at timestamptz,
    ADD COLUMN cancel_reason text,
    ADD CONSTRAINT lots_cancel_has_reason CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL));

-- Lots decided before this migration: the verdict of their latest decision, and whether
-- its latest resubmission was accepted.
UPDATE lots l SET verdict = d.verdict,
    accepted_on_resubmission = coalesce(d.decision -> 'resubmissions' -> -1 ->> 'verdict' = 'accept', false)
FROM (SELECT DISTINCT ON (lot_id) lot_id, verdict, decision
      FROM lot_decisions ORDER BY lot_id, revision DESC) d
WHERE d.lot_id = l.id;

ALTER TABLE lots ADD COLUMN status text NOT NULL GENERATED ALWAYS AS (
    CASE
        WHEN cancelled_at IS NOT NULL THEN 'cancelled'
        WHEN released_at IS NOT NULL THEN 'released'
        WHEN disposition IS NOT NULL THEN 'dispositioned'
        WHEN verdict = 'accept' OR accepted_on_resubmission THEN 'accepted'
        WHEN verdict = 'reject' THEN 'not_accepted'
        WHEN input_changes > 0 THEN 'under_inspection'
        ELSE 'registered'
    END) STORED;

CREATE INDEX lots_by_status ON lots (status, produced_on DESC, id DESC);

-- A new decision records the lot's change count (as before) and, now, its verdict and
-- whether its latest resubmission was accepted.
CREATE OR REPLACE FUNCTION lot_decision_records_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lots SET decided_input_changes = input_changes,
        verdict = NEW.verdict,
        accepted_on_resubmission =
            coalesce(NEW.decision -> 'resubmissions' -> -1 ->> 'verdict' = 'accept', false)
    WHERE id = NEW.lot_id
    RETURNING input_changes INTO NEW.input_changes;
    RETURN NEW;
END;
$$;
