-- Kanohi: a third heatmap roll-up level, one row per UTC quarter hour, between the minute level
-- (floor_heat_cells) and the hourly level (floor_heat_hours). A heatmap reads whole hours from the
-- hourly level, whole quarter hours at the range's ends from this level and only the remaining
-- minutes from the minute level, so a range that does not start on the hour reads at most
-- 2 x 3 quarter-hour and 2 x 14 minute buckets instead of up to 2 x 59 minutes. Maintained in the
-- same statements as the other two levels; filled here from the minute level.
CREATE TABLE floor_heat_quarters (
  floor_id    integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  bucket      timestamptz NOT NULL,          -- date_bin('15 minutes', observed_at, '2000-01-01 00:00:00+00')
  cell_x      integer NOT NULL,
  cell_y      integer NOT NULL,
  class_name  text NOT NULL,
  gender      text NOT NULL DEFAULT '',
  age_band    text NOT NULL DEFAULT '',
  samples     integer NOT NULL,
  seconds     double precision NOT NULL,
  PRIMARY KEY (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
);
INSERT INTO floor_heat_quarters (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
SELECT floor_id, date_bin('15 minutes', bucket, timestamptz '2000-01-01 00:00:00+00'), cell_x, cell_y, class_name, gender, age_band, sum(samples), sum(seconds)
FROM floor_heat_cells GROUP BY 1, 2, 3, 4, 5, 6, 7;
