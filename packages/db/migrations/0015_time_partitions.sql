-- Time-partitioned raw storage with retention, for every table that grows with time.
--
-- A table joins by being PARTITION BY RANGE on one timestamptz column, having a DEFAULT partition
-- named <table>_default, and having a row in time_partitioned_tables. From then on the services'
-- maintenance job (packages/db partition-maintenance.ts) keeps daily partitions <table>_YYYYMMDD
-- (UTC days) created ahead, moves rows that landed in the default partition into their day's
-- partition, and drops whole days older than the owning service's retention setting. Dropping a
-- partition is instant and leaves no dead rows, unlike DELETE. Queries with a time range read only
-- the days in range (partition pruning, also at run time with bind parameters).
--
-- Raw rows only: the heatmap roll-ups (floor_heat_cells / _quarters / _hours) are small, keyed by
-- (floor_id, bucket, ...), and are kept after the raw rows they summarise are dropped.
--
-- Distributed PostgreSQL (Citus, see docs/SCALING.md): observations, tracks and floor_points are
-- distributed by camera_id, the heatmap roll-ups by floor_id; cameras, floors, placements,
-- calibrations, zones, count lines, flows and pipelines are reference tables. Every unique key of a
-- distributed table includes its distribution column (tracks' key becomes (camera_id, id) below).

CREATE TABLE time_partitioned_tables (
  parent_table  text PRIMARY KEY,                 -- the partitioned table (public schema)
  time_column   text NOT NULL,                    -- its timestamptz partition key
  owner_service text NOT NULL,                    -- whose retention setting applies (scouter, kanohi, ...)
  added_at      timestamptz NOT NULL DEFAULT now()
);

-- Creates <parent>_YYYYMMDD for one UTC day unless it exists. Rows of that day already in the default
-- partition are moved into it first (PostgreSQL refuses a partition overlapping default rows), so
-- nothing stays behind in the default partition. Returns true when it created the partition.
CREATE FUNCTION sightline_partition_day(parent text, day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  col text;
  part text := format('%s_%s', parent, to_char(day, 'YYYYMMDD'));
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  SELECT time_column INTO col FROM time_partitioned_tables WHERE parent_table = parent;
  IF col IS NULL THEN
    RAISE EXCEPTION 'table % is not registered in time_partitioned_tables', parent;
  END IF;
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', part, parent);
  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
    parent || '_default', col, lo, col, hi, part);
  -- The bound as a CHECK first: ATTACH then skips scanning the new partition's rows.
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I >= %L AND %I < %L)', part, part || '_bound', col, lo, col, hi);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_bound');
  RETURN true;
END $$;

-- Partitions for today through `days_ahead` UTC days on, and for every day whose rows wait in the
-- default partition (inserted before their partition existed, e.g. replayed or back-dated rows).
-- Returns how many partitions it created.
CREATE FUNCTION sightline_ensure_partitions(parent text, days_ahead integer DEFAULT 2) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  col text;
  d date;
  created integer := 0;
BEGIN
  SELECT time_column INTO col FROM time_partitioned_tables WHERE parent_table = parent;
  IF col IS NULL THEN
    RAISE EXCEPTION 'table % is not registered in time_partitioned_tables', parent;
  END IF;
  FOR d IN
    SELECT (now() AT TIME ZONE 'UTC')::date + i FROM generate_series(0, days_ahead) AS i
    UNION
    SELECT * FROM sightline_default_days(parent, col)
    ORDER BY 1
  LOOP
    IF sightline_partition_day(parent, d) THEN
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;

-- The UTC days that have rows in <parent>_default (normally none: a short scan).
CREATE FUNCTION sightline_default_days(parent text, col text) RETURNS SETOF date
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT DISTINCT (%I AT TIME ZONE ''UTC'')::date FROM %I', col, parent || '_default');
END $$;

-- Drops the daily partitions of `parent` whose whole day is more than `keep_days` days before today
-- (UTC). keep_days NULL keeps everything. Returns how many partitions it dropped. Expired rows that
-- wait in the default partition are not deleted here: the next sightline_ensure_partitions moves them
-- into their day's partition and the following pass drops it (a row is never deleted in the pass
-- that first sees it, e.g. a back-dated import just written).
CREATE FUNCTION sightline_drop_expired_partitions(parent text, keep_days integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  col text;
  cutoff date;
  part text;
  dropped integer := 0;
BEGIN
  IF keep_days IS NULL THEN
    RETURN 0;
  END IF;
  SELECT time_column INTO col FROM time_partitioned_tables WHERE parent_table = parent;
  IF col IS NULL THEN
    RAISE EXCEPTION 'table % is not registered in time_partitioned_tables', parent;
  END IF;
  cutoff := (now() AT TIME ZONE 'UTC')::date - keep_days;
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent::regclass AND c.relname ~ ('^' || parent || '_[0-9]{8}$')
      AND to_date(right(c.relname, 8), 'YYYYMMDD') < cutoff
    ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', part);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END $$;

-- observations (0002) was already partitioned; days that landed in its default partition move out.
INSERT INTO time_partitioned_tables (parent_table, time_column, owner_service) VALUES ('observations', 'observed_at', 'scouter');
SELECT sightline_ensure_partitions('observations', 2);

-- The 0005 helper stays for callers that use it; it now also empties the default partition.
CREATE OR REPLACE FUNCTION scouter_ensure_observation_partitions(days_ahead integer DEFAULT 2) RETURNS integer
LANGUAGE sql AS $$ SELECT sightline_ensure_partitions('observations', days_ahead) $$;

-- floor_points becomes partitioned by observed_at: same columns (whatever earlier migrations
-- added), same key (it already holds observed_at), same indexes; rows are copied into their days.
ALTER TABLE floor_points RENAME TO floor_points_unpartitioned;
ALTER INDEX floor_points_pkey RENAME TO floor_points_unpartitioned_pkey;
ALTER INDEX floor_points_floor_time_idx RENAME TO floor_points_unpartitioned_floor_time_idx;
ALTER INDEX floor_points_track_time_idx RENAME TO floor_points_unpartitioned_track_time_idx;
CREATE TABLE floor_points (LIKE floor_points_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
  PARTITION BY RANGE (observed_at);
ALTER TABLE floor_points ADD PRIMARY KEY (camera_id, track_id, observed_at);
ALTER TABLE floor_points ADD CONSTRAINT floor_points_floor_id_fkey FOREIGN KEY (floor_id) REFERENCES floors (id) ON DELETE CASCADE;
ALTER TABLE floor_points ADD CONSTRAINT floor_points_camera_id_fkey FOREIGN KEY (camera_id) REFERENCES cameras (id) ON DELETE CASCADE;
ALTER TABLE floor_points ADD CONSTRAINT floor_points_calibration_id_fkey FOREIGN KEY (calibration_id) REFERENCES calibrations (id) ON DELETE CASCADE;
CREATE INDEX floor_points_floor_time_idx ON floor_points (floor_id, observed_at);
CREATE INDEX floor_points_track_time_idx ON floor_points (track_id, observed_at);
CREATE TABLE floor_points_default PARTITION OF floor_points DEFAULT;
INSERT INTO time_partitioned_tables (parent_table, time_column, owner_service) VALUES ('floor_points', 'observed_at', 'kanohi');
SELECT sightline_partition_day('floor_points', d)
FROM (SELECT DISTINCT (observed_at AT TIME ZONE 'UTC')::date AS d FROM floor_points_unpartitioned ORDER BY 1) days;
INSERT INTO floor_points SELECT * FROM floor_points_unpartitioned;
DROP TABLE floor_points_unpartitioned;
SELECT sightline_ensure_partitions('floor_points', 2);

-- tracks: a distributed table's unique keys must hold its distribution column (camera_id); nothing
-- references tracks (id) by foreign key, and lookups by id keep an index of their own.
ALTER TABLE tracks DROP CONSTRAINT tracks_pkey;
ALTER TABLE tracks ADD PRIMARY KEY (camera_id, id);
CREATE INDEX tracks_id_idx ON tracks (id);
