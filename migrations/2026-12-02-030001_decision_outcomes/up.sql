-- The stored decision format (issue 12). What the switching replay reads of a decision is
-- kept in typed columns of its own, written in the transaction that stores the decision,
-- instead of being read back out of `lot_decisions.decision`. That column stays what it
-- was: the API document (LotDecisionView) as it was first answered, sent again as is by
-- `get_lot_decision` and by a retried `decide_lot`; the server never parses it again, so
-- a change of the API document can no longer make the stored history unreadable.

-- One row per decision revision: the lot-level inputs of the switching rules.
CREATE TABLE decision_outcomes (
    decision_id       uuid PRIMARY KEY REFERENCES lot_decisions (id),
    -- The switching settings the decision was made under (ISO 2859-1 9.3.3 b and c).
    production_steady boolean NOT NULL,
    reduced_approved  boolean NOT NULL
);

-- One row per decision revision and characteristic of the part: how the lot counts for
-- the switching rules of that characteristic, and what it adds to the supplier's record.
CREATE TABLE decision_characteristic_outcomes (
    decision_id       uuid NOT NULL REFERENCES decision_outcomes (decision_id),
    characteristic_id uuid NOT NULL REFERENCES characteristics (id),
    -- The severity the decision applied (replayed from the lots before it).
    severity          text NOT NULL
        CHECK (severity IN ('normal', 'tightened', 'reduced', 'discontinued')),
    verdict           text NOT NULL CHECK (verdict IN ('accept', 'reject', 'pending')),
    -- Units of the counted inspection with a result for the characteristic, and the
    -- defective ones among them (the supplier's fraction defective so far).
    units_inspected   bigint NOT NULL CHECK (units_inspected >= 0),
    defectives        bigint NOT NULL CHECK (defectives >= 0 AND defectives <= units_inspected),
    -- The lot's result as the switching rules count it (ISO 2859-1 9): all null when it
    -- does not count (full inspection, or verdict pending).
    switching_accepted          boolean,
    switching_acceptance_number integer CHECK (switching_acceptance_number >= 0),
    switching_nonconforming     integer CHECK (switching_nonconforming >= 0),
    -- Ac of the normal plan one AQL step tighter (switching score, 9.3.3.2), when one exists.
    switching_acceptance_number_one_step_tighter integer
        CHECK (switching_acceptance_number_one_step_tighter >= 0),
    PRIMARY KEY (decision_id, characteristic_id),
    CONSTRAINT decision_characteristic_outcomes_counted CHECK (
        (switching_accepted IS NULL) = (switching_acceptance_number IS NULL)
        AND (switching_accepted IS NULL) = (switching_nonconforming IS NULL)
        AND (switching_accepted IS NOT NULL OR switching_acceptance_number_one_step_tighter IS NULL)
    )
);

-- Immutable like the decisions they belong to.
CREATE TRIGGER decision_outcomes_immutable BEFORE UPDATE OR DELETE ON decision_outcomes
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_lot_decision();
CREATE TRIGGER decision_outcomes_no_truncate BEFORE TRUNCATE ON decision_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_lot_decision();
CREATE TRIGGER decision_characteristic_outcomes_immutable
    BEFORE UPDATE OR DELETE ON decision_characteristic_outcomes
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_lot_decision();
CREATE TRIGGER decision_characteristic_outcomes_no_truncate
    BEFORE TRUNCATE ON decision_characteristic_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_lot_decision();

-- Every stored decision so far is a version-1 document (the API document of the time);
-- one that is not cannot be converted and stops the migration, naming it.
DO $$
DECLARE
    bad record;
BEGIN
    SELECT d.id, d.revision, d.lot_id INTO bad
    FROM lot_decisions d
    WHERE jsonb_typeof(d.decision -> 'settings' -> 'production_steady') IS DISTINCT FROM 'boolean'
       OR jsonb_typeof(d.decision -> 'settings' -> 'reduced_approved') IS DISTINCT FROM 'boolean'
       OR jsonb_typeof(d.decision -> 'characteristics') IS DISTINCT FROM 'array'
    ORDER BY d.decided_at, d.id
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'lot decision % (revision % of lot %) is not a version-1 decision document: its switching outcome cannot be converted',
            bad.id, bad.revision, bad.lot_id;
    END IF;
END
$$;

INSERT INTO decision_outcomes (decision_id, production_steady, reduced_approved)
SELECT id,
       (decision -> 'settings' ->> 'production_steady')::boolean,
       (decision -> 'settings' ->> 'reduced_approved')::boolean
FROM lot_decisions;

-- `->>` of a JSON null is SQL NULL: a characteristic that did not count keeps its
-- switching columns null.
INSERT INTO decision_characteristic_outcomes (
    decision_id, characteristic_id, severity, verdict, units_inspected, defectives,
    switching_accepted, switching_acceptance_number, switching_nonconforming,
    switching_acceptance_number_one_step_tighter)
SELECT d.id,
       (c ->> 'characteristic_id')::uuid,
       c ->> 'severity',
       c ->> 'verdict',
       (c ->> 'units_inspected')::bigint,
       (c ->> 'defectives')::bigint,
       (c -> 'switching_outcome' ->> 'accepted')::boolean,
       (c -> 'switching_outcome' ->> 'acceptance_number')::integer,
       (c -> 'switching_outcome' ->> 'nonconforming')::integer,
       (c -> 'switching_outcome' ->> 'acceptance_number_one_step_tighter')::integer
FROM lot_decisions d, jsonb_array_elements(d.decision -> 'characteristics') AS c;

-- The replay state of each characteristic (rewritten by every decision and resume) gets
-- an explicit format version; its always-empty `switches` list goes (the switches are
-- the rows of switching_events).
UPDATE switching_states
SET state = (state - 'switches') || '{"format_version": 1}'::jsonb;
