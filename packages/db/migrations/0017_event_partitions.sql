-- The event tables join the daily partitions and retention of migration 0015, and Kanohi's floor
-- identities get a key a distributed PostgreSQL (Citus) can shard by camera.
--
-- scouter_events (Scouter's track, zone and line events, with snapshots) is partitioned by
-- occurred_at and follows SCOUTER_RETENTION_DAYS; Scouter's finer limits (events older than
-- SCOUTER_EVENT_RETENTION_HOURS, at most SCOUTER_EVENT_MAX_PER_CAMERA) still delete rows inside the
-- kept days. floor_stationary_spans (Kanohi) is partitioned by started_at and follows
-- KANOHI_RETENTION_DAYS: a span goes with the day it started, as the floor points it masks go with
-- theirs. Rows already stored move into their days.

-- scouter_events: the identity column becomes a plain sequence default (identity columns on
-- partitioned tables need PostgreSQL 17); ids continue after the highest stored one.
ALTER TABLE scouter_events RENAME TO scouter_events_unpartitioned;
ALTER INDEX scouter_events_pkey RENAME TO scouter_events_unpartitioned_pkey;
ALTER INDEX scouter_events_camera_time_idx RENAME TO scouter_events_unpartitioned_camera_time_idx;
ALTER INDEX scouter_events_id_idx RENAME TO scouter_events_unpartitioned_id_idx;
CREATE TABLE scouter_events (LIKE scouter_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
  PARTITION BY RANGE (occurred_at);
CREATE SEQUENCE scouter_event_ids AS bigint OWNED BY scouter_events.id;
ALTER TABLE scouter_events ALTER COLUMN id SET DEFAULT nextval('scouter_event_ids');
-- The key gains camera_id, so Citus can distribute events by camera (a unique key must hold the
-- distribution column); ids stay unique, looked up through scouter_events_id_idx.
ALTER TABLE scouter_events ADD PRIMARY KEY (camera_id, occurred_at, id);
ALTER TABLE scouter_events ADD CONSTRAINT scouter_events_camera_id_fkey FOREIGN KEY (camera_id) REFERENCES cameras (id) ON DELETE CASCADE;
CREATE INDEX scouter_events_camera_time_idx ON scouter_events (camera_id, occurred_at DESC);
CREATE INDEX scouter_events_id_idx ON scouter_events (id);
CREATE TABLE scouter_events_default PARTITION OF scouter_events DEFAULT;
INSERT INTO time_partitioned_tables (parent_table, time_column, owner_service) VALUES ('scouter_events', 'occurred_at', 'scouter');
SELECT sightline_partition_day('scouter_events', d)
FROM (SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date AS d FROM scouter_events_unpartitioned ORDER BY 1) days;
INSERT INTO scouter_events SELECT * FROM scouter_events_unpartitioned;
SELECT setval('scouter_event_ids', COALESCE((SELECT max(id) FROM scouter_events), 0) + 1, false);
DROP TABLE scouter_events_unpartitioned;
SELECT sightline_ensure_partitions('scouter_events', 2);

-- floor_stationary_spans: its key (camera_id, track_id, started_at) already holds the time column.
ALTER TABLE floor_stationary_spans RENAME TO floor_stationary_spans_unpartitioned;
ALTER INDEX floor_stationary_spans_pkey RENAME TO floor_stationary_spans_unpartitioned_pkey;
ALTER INDEX floor_stationary_spans_floor_idx RENAME TO floor_stationary_spans_unpartitioned_floor_idx;
CREATE TABLE floor_stationary_spans (LIKE floor_stationary_spans_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
  PARTITION BY RANGE (started_at);
ALTER TABLE floor_stationary_spans ADD PRIMARY KEY (camera_id, track_id, started_at);
ALTER TABLE floor_stationary_spans ADD CONSTRAINT floor_stationary_spans_camera_id_fkey FOREIGN KEY (camera_id) REFERENCES cameras (id) ON DELETE CASCADE;
ALTER TABLE floor_stationary_spans ADD CONSTRAINT floor_stationary_spans_floor_id_fkey FOREIGN KEY (floor_id) REFERENCES floors (id) ON DELETE CASCADE;
CREATE INDEX floor_stationary_spans_floor_idx ON floor_stationary_spans (floor_id, ended_at);
CREATE TABLE floor_stationary_spans_default PARTITION OF floor_stationary_spans DEFAULT;
INSERT INTO time_partitioned_tables (parent_table, time_column, owner_service) VALUES ('floor_stationary_spans', 'started_at', 'kanohi');
SELECT sightline_partition_day('floor_stationary_spans', d)
FROM (SELECT DISTINCT (started_at AT TIME ZONE 'UTC')::date AS d FROM floor_stationary_spans_unpartitioned ORDER BY 1) days;
INSERT INTO floor_stationary_spans SELECT * FROM floor_stationary_spans_unpartitioned;
DROP TABLE floor_stationary_spans_unpartitioned;
SELECT sightline_ensure_partitions('floor_stationary_spans', 2);

-- floor_identities: keyed by (camera_id, track_id), so Citus can distribute it by camera, colocated
-- with floor_points and tracks that the statistics join it to on (camera_id, track_id) (a unique key
-- must hold the distribution column). Track ids are unique across cameras, so no stored row clashes.
ALTER TABLE floor_identities DROP CONSTRAINT floor_identities_pkey;
ALTER TABLE floor_identities ADD PRIMARY KEY (camera_id, track_id);
