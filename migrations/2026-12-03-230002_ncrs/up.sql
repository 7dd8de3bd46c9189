-- Nonconformance reports (issue 14, item 4). A lot not accepted opens one in the
-- transaction of the decision that rejected it (ISO 2859-1 7.5); a reviewer opens one
-- for the units rejected individually from an accepted lot (6.4). It is closed with a
-- verification: a note, or a re-inspection of the lot.
--
-- Numbers run per year (NCR-2026-0001): the counter row of the year is taken with
-- UPDATE ... RETURNING, which serialises concurrent openings without a sequence (the
-- service role is granted no sequence, and a sequence does not restart each year).
CREATE TABLE ncr_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL CHECK (last >= 0)
);

CREATE TABLE ncrs (
    id                     uuid PRIMARY KEY,
    number                 text NOT NULL UNIQUE CHECK (number ~ '^NCR-[0-9]{4}-[0-9]{4,}$'),
    lot_id                 uuid NOT NULL REFERENCES lots (id),
    decision_id            uuid REFERENCES lot_decisions (id),
    characteristic_ids     uuid[] NOT NULL,
    quantity_nonconforming integer NOT NULL CHECK (quantity_nonconforming >= 0),
    -- [{"code": "flash", "count": 3}, ...], most frequent first.
    defect_codes           jsonb NOT NULL DEFAULT '[]',
    photo_ids              uuid[] NOT NULL DEFAULT '{}',
    description            text NOT NULL CHECK (btrim(description) <> ''),
    containment            text NOT NULL DEFAULT '',
    status                 text NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at              timestamptz NOT NULL,
    opened_by              text NOT NULL,
    closed_at              timestamptz,
    closed_by              text,
    verification_note      text,
    verification_inspection_id uuid REFERENCES inspections (id),
    CONSTRAINT ncrs_closed_with_verification CHECK (
        (status = 'open' AND closed_at IS NULL AND closed_by IS NULL
            AND verification_note IS NULL AND verification_inspection_id IS NULL)
        OR (status = 'closed' AND closed_at IS NOT NULL AND closed_by IS NOT NULL
            AND (verification_note IS NOT NULL OR verification_inspection_id IS NOT NULL)))
);
CREATE INDEX ncrs_by_lot ON ncrs (lot_id, opened_at);
CREATE INDEX ncrs_by_status ON ncrs (status, opened_at DESC, id DESC);
