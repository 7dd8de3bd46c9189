-- switching_events is derived: its rows are rebuilt by the next decision.
DELETE FROM switching_events WHERE resume_id IS NOT NULL;
ALTER TABLE switching_events
    DROP CONSTRAINT switching_events_one_cause,
    DROP COLUMN resume_id,
    ALTER COLUMN decision_id SET NOT NULL;
DROP TABLE switching_resumes;
DROP FUNCTION refuse_change_of_switching_resume();
