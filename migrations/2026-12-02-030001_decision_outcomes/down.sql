UPDATE switching_states
SET state = (state - 'format_version') || '{"switches": []}'::jsonb;

DROP TABLE decision_characteristic_outcomes;
DROP TABLE decision_outcomes;
