-- Stale decisions (issue 14). A decision is stale when a change to the lot's inputs (an
-- inspection or a correction; later also a resubmission or a lot correction) was recorded
-- after it. Changes are counted per lot, not compared by clock: every change takes the
-- next number of its lot under the lot row's lock, and a decision stores the count it
-- was computed from (`decide` locks the lot row before it reads the inspections), so a
-- change committed while a decision was being computed still makes it stale.

-- How many input changes the lot has had, and how many its latest decision saw (NULL:
-- never decided).
ALTER TABLE lots
    ADD COLUMN input_changes integer NOT NULL DEFAULT 0 CHECK (input_changes >= 0),
    ADD COLUMN decided_input_changes integer
        CHECK (decided_input_changes >= 0 AND decided_input_changes <= input_changes);

-- The number of the change an inspection made to its lot (1, 2, ...).
ALTER TABLE inspections ADD COLUMN lot_change integer CHECK (lot_change >= 1);

-- The lot's change count a decision was computed from.
ALTER TABLE lot_decisions ADD COLUMN input_changes integer CHECK (input_changes >= 0);

-- History recorded before this migration: changes numbered in the order they were
-- recorded; a decision saw what was recorded up to its time. Append-only rows get their
-- new column once, here, with the guards lifted for the backfill only.
ALTER TABLE inspections DISABLE TRIGGER inspections_append_only;
UPDATE inspections i SET lot_change = n.change
FROM (SELECT id, row_number() OVER (PARTITION BY lot_id ORDER BY recorded_at, id) AS change
      FROM inspections) n
WHERE n.id = i.id;
ALTER TABLE inspections ENABLE TRIGGER inspections_append_only;

ALTER TABLE lot_decisions DISABLE TRIGGER lot_decisions_immutable;
UPDATE lot_decisions d SET input_changes = (
    SELECT count(*) FROM inspections i WHERE i.lot_id = d.lot_id AND i.recorded_at <= d.decided_at);
ALTER TABLE lot_decisions ENABLE TRIGGER lot_decisions_immutable;

UPDATE lots l SET input_changes = c.n
FROM (SELECT lot_id, count(*) AS n FROM inspections GROUP BY lot_id) c
WHERE c.lot_id = l.id;
UPDATE lots l SET decided_input_changes = d.input_changes
FROM (SELECT DISTINCT ON (lot_id) lot_id, input_changes
      FROM lot_decisions ORDER BY lot_id, revision DESC) d
WHERE d.lot_id = l.id;

ALTER TABLE inspections ALTER COLUMN lot_change SET NOT NULL;
ALTER TABLE lot_decisions ALTER COLUMN input_changes SET NOT NULL;
-- Also what `stale_because` reads: the first change after a decision.
CREATE UNIQUE INDEX inspections_lot_change ON inspections (lot_id, lot_change);

-- Counts one change to the lot's inputs and returns its number. Every kind of input
-- change calls it in the transaction that records the change.
CREATE FUNCTION lot_input_changed(lot uuid) RETURNS integer
LANGUAGE sql AS $$
    UPDATE lots SET input_changes = input_changes + 1 WHERE id = lot RETURNING input_changes;
$$;

CREATE FUNCTION inspection_numbers_lot_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.lot_change := lot_input_changed(NEW.lot_id);
    IF NEW.lot_change IS NULL THEN
        RAISE EXCEPTION 'no lot with id %', NEW.lot_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER inspections_number_lot_change BEFORE INSERT ON inspections
    FOR EACH ROW EXECUTE FUNCTION inspection_numbers_lot_change();

-- A new decision records the lot's change count (the decision holds the lot row's lock
-- since before it read its inputs) and becomes the lot's latest.
CREATE FUNCTION lot_decision_records_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lots SET decided_input_changes = input_changes WHERE id = NEW.lot_id
        RETURNING input_changes INTO NEW.input_changes;
    RETURN NEW;
END;
$$;
CREATE TRIGGER lot_decisions_record_changes BEFORE INSERT ON lot_decisions
    FOR EACH ROW EXECUTE FUNCTION lot_decision_records_changes();

-- Lots needing a decision: inspected, and never decided or decided before their latest
-- change. A partial index holds only those lots, in list order, so the list reads a few
-- index entries whatever the years of decided lots.
CREATE INDEX lots_needing_decision ON lots (produced_on DESC, id DESC)
    WHERE input_changes > coalesce(decided_input_changes, 0);
CREATE INDEX lots_needing_decision_by_supplier ON lots (supplier_id, produced_on DESC, id DESC)
    WHERE input_changes > coalesce(decided_input_changes, 0);
