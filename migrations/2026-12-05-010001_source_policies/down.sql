DROP TABLE supplier_source_policies;
DROP FUNCTION refuse_change_of_source_policy();
