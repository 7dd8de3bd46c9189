DROP TABLE resubmission_inspections;
DROP TABLE resubmissions;
DROP FUNCTION refuse_change_of_resubmission();
