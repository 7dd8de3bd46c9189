-- Resuming sampling inspection after discontinuation (ISO 2859-1 9.4): a reviewer records
-- that the supplier has acted to improve quality, and sampling of one characteristic of a
-- supplier and part resumes on tightened inspection, as if 9.3.2 (normal -> tightened) had
-- been invoked. Resumes are append-only, like decisions; the switching history replays
-- them in lot order: a resume takes effect for the lots after `after_lot_id`, the latest
-- decided lot of the supplier and part when it was recorded.
CREATE TABLE switching_resumes (
    id                uuid PRIMARY KEY,
    supplier_id       uuid NOT NULL REFERENCES suppliers (id),
    part_id           uuid NOT NULL REFERENCES parts (id),
    characteristic_id uuid NOT NULL REFERENCES characteristics (id),
    after_lot_id      uuid NOT NULL REFERENCES lots (id),
    reason            text NOT NULL CHECK (btrim(reason) <> ''),
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX switching_resumes_stream ON switching_resumes (supplier_id, part_id, recorded_at);

CREATE FUNCTION refuse_change_of_switching_resume() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'switching resumes are append-only: % on % is not allowed',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER switching_resumes_immutable BEFORE UPDATE OR DELETE ON switching_resumes
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_switching_resume();
CREATE TRIGGER switching_resumes_no_truncate BEFORE TRUNCATE ON switching_resumes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_switching_resume();

-- The derived history (rewritten by every decision and resume) now also holds the
-- switches a resume caused: such a row names its resume instead of a decision.
ALTER TABLE switching_events
    ALTER COLUMN decision_id DROP NOT NULL,
    ADD COLUMN resume_id uuid REFERENCES switching_resumes (id),
    ADD CONSTRAINT switching_events_one_cause CHECK ((decision_id IS NULL) <> (resume_id IS NULL));
