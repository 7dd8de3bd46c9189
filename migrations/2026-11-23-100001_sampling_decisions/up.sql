-- Sampling decisions (issue 4): the costs and fatality of a characteristic, the
-- switching settings of a supplier and part, immutable lot decisions, and the switching
-- history derived from them.

-- k1 (cost to inspect one unit) and k2 (cost of one defective unit reaching the
-- customer): optional; without both, Deming's kp rule is not applied.
ALTER TABLE characteristics
    ADD COLUMN inspection_cost double precision
        CHECK (inspection_cost IS NULL OR (inspection_cost >= 0 AND inspection_cost < 'Infinity')),
    ADD COLUMN escape_cost double precision
        CHECK (escape_cost IS NULL OR (escape_cost > 0 AND escape_cost < 'Infinity')),
    ADD COLUMN one_defect_fatal boolean NOT NULL DEFAULT false;

-- Conditions of ISO 2859-1 9.3.3 outside the lot results, per supplier and part. The row
-- is also the lock that serialises the decisions of one supplier and part (SELECT ... FOR
-- UPDATE), so the switching history is always replayed from a consistent set of lots.
CREATE TABLE switching_settings (
    supplier_id       uuid NOT NULL REFERENCES suppliers (id),
    part_id           uuid NOT NULL REFERENCES parts (id),
    production_steady boolean NOT NULL DEFAULT false,
    reduced_approved  boolean NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (supplier_id, part_id)
);

-- A decision is an immutable snapshot of its inputs and of the plans and verdicts it
-- computed; deciding again makes a new revision.
CREATE TABLE lot_decisions (
    id          uuid PRIMARY KEY,
    lot_id      uuid NOT NULL REFERENCES lots (id),
    revision    integer NOT NULL CHECK (revision >= 1),
    verdict     text NOT NULL CHECK (verdict IN ('accept', 'reject', 'pending')),
    inputs      jsonb NOT NULL,
    decision    jsonb NOT NULL,
    decided_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lot_id, revision)
);

CREATE FUNCTION refuse_change_of_lot_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lot decisions are immutable: % on % is not allowed; decide again for a new revision',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER lot_decisions_immutable BEFORE UPDATE OR DELETE ON lot_decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_lot_decision();
CREATE TRIGGER lot_decisions_no_truncate BEFORE TRUNCATE ON lot_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_lot_decision();

-- Derived from the latest decision of every lot of a supplier and part, replayed in lot
-- order (produced_on, then id) in the transaction that stores a decision.
CREATE TABLE switching_states (
    supplier_id       uuid NOT NULL REFERENCES suppliers (id),
    part_id           uuid NOT NULL REFERENCES parts (id),
    characteristic_id uuid NOT NULL REFERENCES characteristics (id),
    severity          text NOT NULL
        CHECK (severity IN ('normal', 'tightened', 'reduced', 'discontinued')),
    state             jsonb NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (supplier_id, part_id, characteristic_id)
);

CREATE TABLE switching_events (
    supplier_id       uuid NOT NULL REFERENCES suppliers (id),
    part_id           uuid NOT NULL REFERENCES parts (id),
    characteristic_id uuid NOT NULL REFERENCES characteristics (id),
    seq               integer NOT NULL CHECK (seq >= 1),
    lot_id            uuid NOT NULL REFERENCES lots (id),
    decision_id       uuid NOT NULL REFERENCES lot_decisions (id),
    from_severity     text NOT NULL,
    to_severity       text NOT NULL,
    reason            text NOT NULL,
    PRIMARY KEY (supplier_id, part_id, characteristic_id, seq)
);
