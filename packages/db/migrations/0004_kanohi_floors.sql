-- Kanohi's floor-map schema.
SELECT 1;
