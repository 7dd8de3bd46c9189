-- One year of the five-year factory (benches/factory/bench.py runs it once per year, each
-- in its own transaction). psql variables: first (a date), days, seed (0..1).
-- Parts, characteristics and suppliers were created through the API; this fills what a
-- factory records every day, through the real tables and their triggers:
--   40 lots a day (lot size 500), each with its supplier's sampling inspection of 50 units
--   (ISO 2859-1: lot 500, level II -> code letter H, n = 50; AQL 1.0 normal: Ac 1, Re 2);
--   one lot in ten also inspected in house (the same serials); 6 variable characteristics
--   measured and 2 attributes judged per unit; one decision per lot with its stored
--   outcome (the document is a real one, copied); an NCR per lot not accepted, closed
--   after a week but for the last month's.
SELECT setseed(:seed);

CREATE TEMP TABLE gen_lots ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, p.id AS part_id, s.id AS supplier_id,
       'FY-' || to_char(:'first'::date + d, 'YYYYMMDD') || '-' || lpad(n::text, 2, '0') AS lot_number,
       :'first'::date + d AS produced_on,
       -- about 3 % of lots go wrong: defects in the attribute and a drifted dimension
       random() < 0.03 AS bad,
       random() < 0.10 AS in_house
FROM generate_series(0, :days - 1) d
CROSS JOIN generate_series(0, 39) n
JOIN gen_parts p ON p.k = (d * 40 + n) % 200
JOIN gen_suppliers s ON s.k = p.k % 3;

INSERT INTO lots (id, part_id, supplier_id, lot_number, lot_size, produced_on, created_at)
SELECT id, part_id, supplier_id, lot_number, 500, produced_on, produced_on + time '08:00'
FROM gen_lots;

CREATE TEMP TABLE gen_inspections ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, l.id AS lot_id, l.part_id, l.bad, src AS source,
       l.produced_on + time '09:00' + (CASE WHEN src = 'in_house' THEN interval '1 day' ELSE interval '0' END)
           AS inspected_at
FROM gen_lots l
CROSS JOIN LATERAL (SELECT 'factory'::text AS src UNION ALL SELECT 'in_house' WHERE l.in_house) s;

INSERT INTO inspections (id, lot_id, source, mode, inspector, inspected_at, body_sha256, recorded_at)
SELECT id, lot_id, source, 'sampling', CASE WHEN source = 'factory' THEN 'factory QC' ELSE 'in-house QA' END,
       inspected_at, md5(id::text), inspected_at + interval '10 minutes'
FROM gen_inspections ORDER BY inspected_at;

INSERT INTO inspection_units (inspection_id, unit_index, serial)
SELECT i.id, u, 'S-' || i.lot_id::text || '-' || u
FROM gen_inspections i CROSS JOIN generate_series(1, 50) u;

-- Values around the nominal with a spread of a tenth of the tolerance (Cp about 1.7);
-- a bad lot drifts by a third of the tolerance.
INSERT INTO measurements (inspection_id, unit_index, characteristic_id, value)
SELECT i.id, u, c.id,
       c.nominal + (c.usl - c.lsl) * (0.1 * (random() + random() + random() - 1.5) * 2
                                      + CASE WHEN i.bad THEN 0.33 ELSE 0 END)
FROM gen_inspections i
JOIN gen_characteristics c ON c.part_id = i.part_id AND c.kind = 'variable'
CROSS JOIN generate_series(1, 50) u;

INSERT INTO attribute_results (inspection_id, unit_index, characteristic_id, pass, defects)
SELECT id, u, characteristic_id, NOT failed, failed::int
FROM (SELECT i.id, u, c.id AS characteristic_id,
             random() < CASE WHEN i.bad THEN 0.06 ELSE 0.001 END AS failed
      FROM gen_inspections i
      JOIN gen_characteristics c ON c.part_id = i.part_id AND c.kind = 'attribute'
      CROSS JOIN generate_series(1, 50) u) x;

-- One decision per lot, the day after the last inspection: rejected when the sample
-- holds more nonconforming units than Ac 1 of any characteristic (counted here).
CREATE TEMP TABLE gen_decisions ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, l.id AS lot_id, l.produced_on,
       coalesce(max(x.nonconforming), 0) > 1 AS rejected
FROM gen_lots l
JOIN gen_inspections i ON i.lot_id = l.id AND i.source = 'factory'
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE NOT a.pass) AS nonconforming FROM attribute_results a
    WHERE a.inspection_id = i.id GROUP BY a.characteristic_id
    UNION ALL
    SELECT count(*) FILTER (WHERE m.value < c.lsl OR m.value > c.usl) FROM measurements m
    JOIN gen_characteristics c ON c.id = m.characteristic_id
    WHERE m.inspection_id = i.id GROUP BY m.characteristic_id
) x ON true
GROUP BY l.id, l.produced_on;

INSERT INTO lot_decisions (id, lot_id, revision, verdict, inputs, decision, decided_at)
SELECT d.id, d.lot_id, 1, CASE WHEN d.rejected THEN 'reject' ELSE 'accept' END,
       '{}'::jsonb, (SELECT document FROM gen_document), d.produced_on + time '15:00' + interval '2 days'
FROM gen_decisions d ORDER BY d.produced_on;

INSERT INTO decision_outcomes (decision_id, production_steady, reduced_approved)
SELECT id, false, false FROM gen_decisions;

INSERT INTO decision_characteristic_outcomes (decision_id, characteristic_id, severity, verdict,
    units_inspected, defectives, switching_accepted, switching_acceptance_number,
    switching_nonconforming, switching_acceptance_number_one_step_tighter)
SELECT d.id, c.id, 'normal', CASE WHEN d.rejected THEN 'reject' ELSE 'accept' END, 50,
       CASE WHEN d.rejected THEN 2 ELSE 0 END, NOT d.rejected, 1,
       CASE WHEN d.rejected THEN 2 ELSE 0 END, 0
FROM gen_decisions d JOIN gen_lots l ON l.id = d.lot_id
JOIN gen_characteristics c ON c.part_id = l.part_id;

INSERT INTO ncr_counters (year, last) VALUES (extract(year FROM :'first'::date)::int, 0)
ON CONFLICT (year) DO NOTHING;
INSERT INTO ncrs (id, number, lot_id, decision_id, characteristic_ids, quantity_nonconforming,
                  description, status, opened_at, opened_by, closed_at, closed_by, verification_note)
SELECT gen_random_uuid(),
       'NCR-' || extract(year FROM d.produced_on) || '-' ||
           lpad(((SELECT count(*) FROM ncrs) + row_number() OVER (ORDER BY d.produced_on, d.id))::text, 5, '0'),
       d.lot_id, d.id, ARRAY(SELECT c.id FROM gen_characteristics c JOIN gen_lots l ON l.part_id = c.part_id
                             WHERE l.id = d.lot_id AND c.kind = 'attribute'),
       2, 'Lot not accepted on original inspection', 
       CASE WHEN d.produced_on < :'first'::date + :days - 30 THEN 'closed' ELSE 'open' END,
       d.produced_on + time '15:00' + interval '2 days', 'decision',
       CASE WHEN d.produced_on < :'first'::date + :days - 30 THEN d.produced_on + interval '9 days' END,
       CASE WHEN d.produced_on < :'first'::date + :days - 30 THEN 'reviewer' END,
       CASE WHEN d.produced_on < :'first'::date + :days - 30 THEN 'Supplier sorted the lot; re-inspection clean' END
FROM gen_decisions d WHERE d.rejected;
