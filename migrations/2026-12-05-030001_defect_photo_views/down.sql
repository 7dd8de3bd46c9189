ALTER TABLE attribute_result_photos DROP COLUMN view;
