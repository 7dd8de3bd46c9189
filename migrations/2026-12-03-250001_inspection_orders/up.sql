-- Inspection orders (issue 15, item 1): the units of a lot an inspector is to draw, per
-- characteristic, stored when the order is first asked for so that every later call
-- (and every tablet) gets the same units, and a decision can be compared with the sample
-- that was drawn. The seed is kept so the units can be drawn again from it
-- (lotgate_sampling::draw); it is a u64 written in decimal, beyond bigint's range.
-- Written once, never changed: a later change of the switching state leaves the order
-- as drawn (the order's reader is told that the plan has changed since).
CREATE TABLE lot_inspection_orders (
    lot_id   uuid PRIMARY KEY REFERENCES lots (id),
    seed     text NOT NULL CHECK (seed ~ '^[0-9]{1,20}$'),
    drawn_at timestamptz NOT NULL DEFAULT now()
);

-- One row per characteristic of the order: the plan it was drawn under (as the decision
-- would choose it at that moment) and its units (lot unit numbers 1..=N, ascending;
-- empty under full inspection, where every unit is inspected). A characteristic added
-- to the part after the order was drawn gets its row when the order is next read.
CREATE TABLE lot_inspection_order_items (
    lot_id            uuid NOT NULL REFERENCES lot_inspection_orders (lot_id),
    characteristic_id uuid NOT NULL REFERENCES characteristics (id),
    position          integer NOT NULL CHECK (position >= 0),
    inspection        text NOT NULL CHECK (inspection IN ('sampling', 'full')),
    reason            text NOT NULL,
    code_letter       text,
    severity          text CHECK (severity IN ('normal', 'tightened', 'reduced', 'discontinued')),
    sample_size       bigint NOT NULL CHECK (sample_size >= 1),
    acceptance_number integer CHECK (acceptance_number >= 0),
    rejection_number  integer CHECK (rejection_number >= 1),
    destructive       boolean NOT NULL,
    units             integer[] NOT NULL,
    drawn_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lot_id, characteristic_id)
);

CREATE FUNCTION refuse_change_of_inspection_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'inspection orders are written once: % on % is not allowed',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER lot_inspection_orders_immutable BEFORE UPDATE OR DELETE ON lot_inspection_orders
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_inspection_order();
CREATE TRIGGER lot_inspection_order_items_immutable
    BEFORE UPDATE OR DELETE ON lot_inspection_order_items
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_inspection_order();
