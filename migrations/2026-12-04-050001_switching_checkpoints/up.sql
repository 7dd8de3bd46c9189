-- Switching checkpoints (issue 19): the replayed switching state of every characteristic
-- of a supplier and part right after each decided lot, in lot order. A decision, a
-- cancellation, a lot correction or a resume replays only from the last checkpoint before
-- the earliest lot it changes, instead of from the first lot ever decided, so deciding
-- the newest lot costs the same after five years as after a week. Derived, like
-- switching_states: rewritten under the supplier and part's lock (switching_settings
-- FOR UPDATE), from that point on, by every replay. A stream with no checkpoint yet (one
-- decided before this migration) is replayed in full once and gets them.
CREATE TABLE switching_checkpoints (
    supplier_id  uuid NOT NULL REFERENCES suppliers (id),
    part_id      uuid NOT NULL REFERENCES parts (id),
    -- The lot's place in the lot order when the checkpoint was written (a correction of
    -- its production date replays from the earlier of the two places, rewriting this).
    produced_on  date NOT NULL,
    lot_id       uuid NOT NULL REFERENCES lots (id),
    -- The decision revision of the lot the checkpoint counted (its latest).
    decision_id  uuid NOT NULL REFERENCES lot_decisions (id),
    -- A SwitchingCheckpointDocument (src/decision/checkpoint.rs), with its format_version.
    histories    jsonb NOT NULL,
    PRIMARY KEY (supplier_id, part_id, produced_on, lot_id)
);

-- What a replay reads after its checkpoint: the decided lots of one supplier and part in
-- lot order from a given place on (cancelled lots are never in the history).
CREATE INDEX lots_switching_stream ON lots (supplier_id, part_id, produced_on, id)
    WHERE cancelled_at IS NULL;
