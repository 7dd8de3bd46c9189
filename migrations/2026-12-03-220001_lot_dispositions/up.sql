-- Dispositions (issue 14, item 3). ISO 2859-1:1999 7.5: the responsible authority
-- decides what becomes of a lot not accepted; 6.4: every nonconforming item found is
-- rejected individually, whether the lot is accepted or not, so an accepted lot's
-- rejected units get a disposition of their own before the lot is released.
--
-- A row is the reviewer's record of one disposition: `lot` scope for a lot not accepted
-- (it also sets `lots.disposition`, from which the lot's status follows), or
-- `rejected_units` scope for the units an accepted lot's latest decision names. `units`
-- holds the units it covers, as that decision named them; `decision_id` the decision it
-- answers. Append-only, like every record a reviewer signs.
CREATE TABLE lot_dispositions (
    id            uuid PRIMARY KEY,
    lot_id        uuid NOT NULL REFERENCES lots (id),
    scope         text NOT NULL CHECK (scope IN ('lot', 'rejected_units')),
    disposition   text NOT NULL
        CHECK (disposition IN ('scrap', 'sort', 'rework', 'return_to_supplier', 'use_as_is')),
    reason        text NOT NULL CHECK (btrim(reason) <> ''),
    justification text CHECK (btrim(justification) <> ''),
    approver      text CHECK (btrim(approver) <> ''),
    quantity      integer CHECK (quantity >= 1),
    expires_on    date,
    units         jsonb NOT NULL CHECK (jsonb_typeof(units) = 'array'),
    decision_id   uuid NOT NULL REFERENCES lot_decisions (id),
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    recorded_by   text NOT NULL,
    token_id      uuid REFERENCES api_tokens (id),
    -- A concession names why and who approved it.
    CONSTRAINT lot_dispositions_concession_approved
        CHECK (disposition <> 'use_as_is' OR (justification IS NOT NULL AND approver IS NOT NULL)),
    -- Sorting screens a whole lot; rejected units are already singled out.
    CONSTRAINT lot_dispositions_sort_is_for_lots CHECK (scope = 'lot' OR disposition <> 'sort')
);
CREATE INDEX lot_dispositions_lot ON lot_dispositions (lot_id, recorded_at, id);
-- A lot not accepted gets one disposition.
CREATE UNIQUE INDEX lot_dispositions_one_per_lot ON lot_dispositions (lot_id) WHERE scope = 'lot';

CREATE FUNCTION refuse_change_of_disposition() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lot dispositions are append-only: % on % is not allowed',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER lot_dispositions_immutable BEFORE UPDATE OR DELETE ON lot_dispositions
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_disposition();
CREATE TRIGGER lot_dispositions_no_truncate BEFORE TRUNCATE ON lot_dispositions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_disposition();
