-- Each lot's units and nonconforming units as the supplier scorecard counts them, kept by
-- the database in the transaction that changes them, so that a scorecard over years reads
-- one row per lot instead of every unit and measurement (issue 19: 23 s for one supplier
-- over one year of a factory before this table).
--
-- The count (lot_unit_count) is that of the scorecard: the units of the lot's current
-- inspections (not superseded, those of its resubmissions aside); a unit with a serial is
-- one physical unit however many of them recorded it, one without counts once per
-- inspection; a unit is nonconforming when a measurement on it lies outside its
-- characteristic's limits (a limit itself is in spec) or an attribute result failed.
CREATE TABLE lot_unit_counts (
    lot_id        uuid PRIMARY KEY REFERENCES lots (id),
    inspected     bigint NOT NULL CHECK (inspected >= 0),
    nonconforming bigint NOT NULL CHECK (nonconforming BETWEEN 0 AND inspected)
);

CREATE FUNCTION lot_unit_count(lot uuid, OUT inspected bigint, OUT nonconforming bigint)
LANGUAGE sql STABLE AS $$
    WITH current AS (
        SELECT i.id
        FROM inspections i
        WHERE i.lot_id = lot
          AND NOT EXISTS (SELECT 1 FROM inspections s WHERE s.supersedes = i.id)
          AND NOT EXISTS (SELECT 1 FROM resubmission_inspections r WHERE r.inspection_id = i.id)
    ),
    recorded AS (
        SELECT COALESCE('serial:' || u.serial,
                        'unit:' || u.inspection_id::text || ':' || u.unit_index::text) AS unit,
               EXISTS (SELECT 1 FROM measurements m
                       JOIN characteristics ch ON ch.id = m.characteristic_id
                       WHERE m.inspection_id = u.inspection_id
                         AND m.unit_index = u.unit_index
                         AND (m.value < ch.lsl OR m.value > ch.usl))
               OR EXISTS (SELECT 1 FROM attribute_results a
                          WHERE a.inspection_id = u.inspection_id
                            AND a.unit_index = u.unit_index
                            AND NOT a.pass) AS nonconforming
        FROM inspection_units u JOIN current c ON c.id = u.inspection_id
    ),
    units AS (
        SELECT bool_or(nonconforming) AS nonconforming FROM recorded GROUP BY unit
    )
    SELECT count(*), count(*) FILTER (WHERE nonconforming) FROM units
$$;

-- Counts the lot again. Recordings of one lot already queue on the lot's row (an
-- inspection takes its number from it), so each counts after the one before committed;
-- a change of limits holds the table in SHARE ROW EXCLUSIVE mode while it recounts, so
-- a recording committing beside it waits here, then counts, in a statement of its own,
-- under the new limits. Runs as the owner: the service role may only read the table.
CREATE FUNCTION lot_unit_counts_refresh(lot uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    LOCK TABLE lot_unit_counts IN ROW EXCLUSIVE MODE;
    INSERT INTO lot_unit_counts (lot_id, inspected, nonconforming)
    SELECT lot, n.inspected, n.nonconforming FROM lot_unit_count(lot) n
    ON CONFLICT (lot_id) DO UPDATE
        SET inspected = excluded.inspected, nonconforming = excluded.nonconforming;
END;
$$;

-- An inspection (an original, a correction, a resubmission's) counts at commit, once its
-- units and results are all in; a correction is of the same lot as what it supersedes.
CREATE FUNCTION lot_unit_counts_after_inspection() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'inspections' THEN
        PERFORM lot_unit_counts_refresh(NEW.lot_id);
    ELSE
        PERFORM lot_unit_counts_refresh(i.lot_id) FROM inspections i WHERE i.id = NEW.inspection_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER inspections_count_lot_units AFTER INSERT ON inspections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION lot_unit_counts_after_inspection();
CREATE CONSTRAINT TRIGGER resubmission_inspections_count_lot_units
    AFTER INSERT ON resubmission_inspections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION lot_unit_counts_after_inspection();

-- New limits recount every lot measured on the characteristic.
CREATE FUNCTION lot_unit_counts_after_limits() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    LOCK TABLE lot_unit_counts IN SHARE ROW EXCLUSIVE MODE;
    PERFORM lot_unit_counts_refresh(l.lot_id)
    FROM (SELECT DISTINCT i.lot_id
          FROM measurements m JOIN inspections i ON i.id = m.inspection_id
          WHERE m.characteristic_id = NEW.id) l;
    RETURN NULL;
END;
$$;
CREATE TRIGGER characteristics_count_lot_units AFTER UPDATE OF lsl, usl ON characteristics
    FOR EACH ROW WHEN (OLD.lsl IS DISTINCT FROM NEW.lsl OR OLD.usl IS DISTINCT FROM NEW.usl)
    EXECUTE FUNCTION lot_unit_counts_after_limits();

-- The lots recorded before this table.
INSERT INTO lot_unit_counts (lot_id, inspected, nonconforming)
SELECT l.id, n.inspected, n.nonconforming
FROM lots l CROSS JOIN LATERAL lot_unit_count(l.id) n
WHERE EXISTS (SELECT 1 FROM inspections i WHERE i.lot_id = l.id);
