-- Defect codes (issue 14, item 4): a catalogue per part of the kinds of defect an
-- attribute check finds (`short-shot`, `flash`, `scratch`), so that failed attribute
-- results can name them and defects can be counted and ranked (Pareto). A code is never
-- removed or renamed, since recorded results name it; it is retired instead.
CREATE TABLE defect_codes (
    id          uuid PRIMARY KEY,
    part_id     uuid NOT NULL REFERENCES parts (id),
    code        text NOT NULL CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 40),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    description text NOT NULL DEFAULT '',
    retired     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (part_id, code)
);

-- The codes a failed attribute result carries, in the order sent. Append-only like the
-- result itself.
CREATE TABLE attribute_result_defects (
    inspection_id     uuid NOT NULL,
    unit_index        integer NOT NULL,
    characteristic_id uuid NOT NULL,
    position          integer NOT NULL CHECK (position >= 0),
    defect_code_id    uuid NOT NULL REFERENCES defect_codes (id),
    PRIMARY KEY (inspection_id, unit_index, characteristic_id, position),
    UNIQUE (inspection_id, unit_index, characteristic_id, defect_code_id),
    FOREIGN KEY (inspection_id, unit_index, characteristic_id)
        REFERENCES attribute_results (inspection_id, unit_index, characteristic_id)
);
CREATE INDEX attribute_result_defects_by_code ON attribute_result_defects (defect_code_id);

CREATE TRIGGER attribute_result_defects_append_only BEFORE UPDATE OR DELETE ON attribute_result_defects
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_recorded_inspection();
CREATE TRIGGER attribute_result_defects_no_truncate BEFORE TRUNCATE ON attribute_result_defects
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_recorded_inspection();
