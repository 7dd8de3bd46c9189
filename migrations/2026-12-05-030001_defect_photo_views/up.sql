-- The view a defect photo shows (`front`, `top`, ...), when the inspector named one, so a
-- reviewer sees it beside the golden sample's photo of the same view. The same rule as a
-- golden-sample photo's view: a lowercase word of 1-32 characters.
ALTER TABLE attribute_result_photos
    ADD COLUMN view text
    CHECK (view IS NULL OR view ~ '^[a-z][a-z0-9_-]{0,31}$');
