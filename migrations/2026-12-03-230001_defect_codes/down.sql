DROP TABLE attribute_result_defects;
DROP TABLE defect_codes;
