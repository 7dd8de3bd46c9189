-- Each lot's units and nonconforming units as the supplier scorecard counts them, kept by
-- the database in the transaction that records them, so that a scorecard over years reads
-- one row per lot instead of every unit and measurement (issue 19: 23 s for one supplier
-- over one year of a factory before these tables).
--
-- The rule (lot_unit_count, which counts from scratch) is the scorecard's: the units of
-- the lot's current inspections (not superseded, those of its resubmissions aside); a
-- unit with a serial is one physical unit however many of them recorded it, one without
-- counts once per inspection; a unit is nonconforming when a measurement on it lies
-- outside its characteristic's limits (a limit itself is in spec) or an attribute result
-- on it failed.
--
-- The counts are kept by difference, so that recording costs the same whatever the lot
-- already holds (a lot inspected unit by unit gets one inspection per unit): per unit,
-- how many current inspections recorded it and how many of those found it
-- nonconforming (lot_units); per lot, its units recorded at least once and those found
-- nonconforming at least once (lot_unit_counts).
CREATE TABLE lot_units (
    lot_id        uuid NOT NULL REFERENCES lots (id),
    unit          text NOT NULL,  -- 'serial:' || serial, or 'unit:' || inspection || ':' || index
    recorded      integer NOT NULL,
    nonconforming integer NOT NULL,
    PRIMARY KEY (lot_id, unit)
);

CREATE TABLE lot_unit_counts (
    lot_id        uuid PRIMARY KEY REFERENCES lots (id),
    inspected     bigint NOT NULL,
    nonconforming bigint NOT NULL
);
-- No CHECK on either: an upsert checks the row it proposes, here a difference that may
-- be negative, before it finds the row to add it to. Only the functions below write
-- them; the tests compare them with lot_unit_count.

-- The units of one inspection, each with whether it is nonconforming (1) or not (0).
CREATE FUNCTION inspection_unit_judgements(insp uuid)
RETURNS TABLE (unit text, nonconforming integer)
LANGUAGE sql STABLE AS $$
    SELECT COALESCE('serial:' || u.serial,
                    'unit:' || u.inspection_id::text || ':' || u.unit_index::text),
           (EXISTS (SELECT 1 FROM measurements m
                    JOIN characteristics ch ON ch.id = m.characteristic_id
                    WHERE m.inspection_id = u.inspection_id
                      AND m.unit_index = u.unit_index
                      AND (m.value < ch.lsl OR m.value > ch.usl))
            OR EXISTS (SELECT 1 FROM attribute_results a
                       WHERE a.inspection_id = u.inspection_id
                         AND a.unit_index = u.unit_index
                         AND NOT a.pass))::integer
    FROM inspection_units u
    WHERE u.inspection_id = insp
$$;

-- Each unit of the lot's current inspections (not superseded, not of a resubmission):
-- how many of them recorded it and how many found it nonconforming.
CREATE FUNCTION lot_current_units(lot uuid)
RETURNS TABLE (unit text, recorded bigint, nonconforming bigint)
LANGUAGE sql STABLE AS $$
    SELECT j.unit, count(*), sum(j.nonconforming)
    FROM inspections i CROSS JOIN LATERAL inspection_unit_judgements(i.id) j
    WHERE i.lot_id = lot
      AND NOT EXISTS (SELECT 1 FROM inspections s WHERE s.supersedes = i.id)
      AND NOT EXISTS (SELECT 1 FROM resubmission_inspections r WHERE r.inspection_id = i.id)
    GROUP BY j.unit
$$;

-- The lot's counts from scratch: the reference the counts kept by difference are tested
-- against.
CREATE FUNCTION lot_unit_count(lot uuid, OUT inspected bigint, OUT nonconforming bigint)
LANGUAGE sql STABLE AS $$
    SELECT count(*), count(*) FILTER (WHERE u.nonconforming > 0) FROM lot_current_units(lot) u
$$;

-- Adds (sign 1) or takes away (sign -1) the units of one inspection of `lot`. Writers
-- first take the table in ROW EXCLUSIVE mode, in a statement of their own: a change of
-- limits holds it in SHARE ROW EXCLUSIVE mode while it recounts, so a recording
-- committing beside it waits, then judges its units under the new limits.
CREATE FUNCTION lot_units_apply(lot uuid, insp uuid, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE lot_units IN ROW EXCLUSIVE MODE;
    WITH delta AS (
        SELECT unit, sign * count(*)::integer AS recorded,
               sign * sum(nonconforming)::integer AS nonconforming
        FROM inspection_unit_judgements(insp) GROUP BY unit
    ),
    changed AS (
        INSERT INTO lot_units AS k (lot_id, unit, recorded, nonconforming)
        SELECT lot, unit, recorded, nonconforming FROM delta
        ON CONFLICT (lot_id, unit) DO UPDATE
            SET recorded = k.recorded + excluded.recorded,
                nonconforming = k.nonconforming + excluded.nonconforming
        RETURNING k.unit, k.recorded, k.nonconforming
    )
    INSERT INTO lot_unit_counts AS c (lot_id, inspected, nonconforming)
    SELECT lot,
           COALESCE(sum((n.recorded > 0)::integer - (n.recorded - d.recorded > 0)::integer), 0),
           COALESCE(sum((n.nonconforming > 0)::integer
                        - (n.nonconforming - d.nonconforming > 0)::integer), 0)
    FROM changed n JOIN delta d ON d.unit = n.unit
    ON CONFLICT (lot_id) DO UPDATE
        SET inspected = c.inspected + excluded.inspected,
            nonconforming = c.nonconforming + excluded.nonconforming;
END;
$$;

-- Counts the lot again from its inspections (after a change of limits, and for the lots
-- recorded before these tables).
CREATE FUNCTION lot_units_rebuild(lot uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lot_units WHERE lot_id = lot;
    INSERT INTO lot_units (lot_id, unit, recorded, nonconforming)
    SELECT lot, u.unit, u.recorded, u.nonconforming FROM lot_current_units(lot) u;
    INSERT INTO lot_unit_counts AS c (lot_id, inspected, nonconforming)
    SELECT lot, count(*), count(*) FILTER (WHERE nonconforming > 0)
    FROM lot_units WHERE lot_id = lot
    ON CONFLICT (lot_id) DO UPDATE
        SET inspected = excluded.inspected, nonconforming = excluded.nonconforming;
END;
$$;

-- An inspection counts at commit, once its units, results and resubmission link are all
-- in: the inspection of a resubmission (and its corrections) never counts; a correction
-- adds its units and takes away those of the inspection it supersedes (of the same lot).
-- Runs as the owner: the service role may only read both tables.
CREATE FUNCTION lot_units_after_inspection() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM resubmission_inspections r WHERE r.inspection_id = NEW.id) THEN
        RETURN NULL;
    END IF;
    PERFORM lot_units_apply(NEW.lot_id, NEW.id, 1);
    IF NEW.supersedes IS NOT NULL THEN
        PERFORM lot_units_apply(NEW.lot_id, NEW.supersedes, -1);
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER inspections_count_lot_units AFTER INSERT ON inspections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION lot_units_after_inspection();

-- New limits judge again every lot measured on the characteristic.
CREATE FUNCTION lot_units_after_limits() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    LOCK TABLE lot_units IN SHARE ROW EXCLUSIVE MODE;
    PERFORM lot_units_rebuild(l.lot_id)
    FROM (SELECT DISTINCT i.lot_id
          FROM measurements m JOIN inspections i ON i.id = m.inspection_id
          WHERE m.characteristic_id = NEW.id) l;
    RETURN NULL;
END;
$$;
CREATE TRIGGER characteristics_count_lot_units AFTER UPDATE OF lsl, usl ON characteristics
    FOR EACH ROW WHEN (OLD.lsl IS DISTINCT FROM NEW.lsl OR OLD.usl IS DISTINCT FROM NEW.usl)
    EXECUTE FUNCTION lot_units_after_limits();

-- The lots recorded before these tables.
SELECT lot_units_rebuild(l.id)
FROM lots l
WHERE EXISTS (SELECT 1 FROM inspections i WHERE i.lot_id = l.id);
