-- Hawk's annotation schema.
SELECT 1;
