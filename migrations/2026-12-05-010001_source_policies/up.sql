-- Source policies (issue 17, item 1): which source's results decide a supplier's lots when
-- both the factory's own QC and the in-house inspection recorded a characteristic.
-- `in_house_decides` (the default, also for a supplier without any row) or
-- `factory_results_decide` (a supplier whose reports are trusted). The history is kept:
-- a row is written once, never changed; the current policy is the supplier's latest row.
-- A change applies to decisions made after it; a decision records the policy it used.
-- `position` numbers a supplier's rows 1, 2, 3...: no sequence for the service role to be
-- granted, and two changes made at the same moment cannot both take the same place (the
-- second is refused by the primary key and told to try again).
CREATE TABLE supplier_source_policies (
    supplier_id uuid NOT NULL REFERENCES suppliers (id),
    position    integer NOT NULL CHECK (position >= 1),
    policy      text NOT NULL CHECK (policy IN ('in_house_decides', 'factory_results_decide')),
    reason      text NOT NULL CHECK (btrim(reason) <> ''),
    -- The actor as the audit trail names it (the token's name, or the command line's).
    set_by      text NOT NULL,
    set_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (supplier_id, position)
);

CREATE FUNCTION refuse_change_of_source_policy() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'source policies are append-only: % on % is not allowed',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER supplier_source_policies_append_only
    BEFORE UPDATE OR DELETE ON supplier_source_policies
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_source_policy();
