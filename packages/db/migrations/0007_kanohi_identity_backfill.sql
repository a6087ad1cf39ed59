-- Kanohi: one person seen by several cameras counts once, an hourly heatmap roll-up, and backfill
-- jobs that project observations stored before a camera was calibrated (or under an older version).

-- The cross-camera identity of each projected track: tracks of different cameras that the merger
-- joined (close on the floor at the same time) share a person_id (the smallest track id of the group).
CREATE TABLE floor_identities (
  track_id   bigint PRIMARY KEY,
  floor_id   integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  camera_id  integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  person_id  bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX floor_identities_person_idx ON floor_identities (floor_id, person_id);

-- counted: this sample speaks for its person (false when another camera already reports the same
-- person at that moment). Heatmaps, zones and lines read counted samples only.
ALTER TABLE floor_points ADD COLUMN counted boolean NOT NULL DEFAULT true;

-- The same roll-up as floor_heat_cells, one row per hour: a heatmap over hours reads whole hours
-- here and only the partial hours at its ends from the minute level.
CREATE TABLE floor_heat_hours (
  floor_id    integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  bucket      timestamptz NOT NULL,          -- date_trunc('hour', observed_at, 'UTC')
  cell_x      integer NOT NULL,
  cell_y      integer NOT NULL,
  class_name  text NOT NULL,
  gender      text NOT NULL DEFAULT '',
  age_band    text NOT NULL DEFAULT '',
  samples     integer NOT NULL,
  seconds     double precision NOT NULL,
  PRIMARY KEY (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
);
INSERT INTO floor_heat_hours (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
SELECT floor_id, date_trunc('hour', bucket, 'UTC'), cell_x, cell_y, class_name, gender, age_band, sum(samples), sum(seconds)
FROM floor_heat_cells GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- One job per saved calibration: projects the camera's observations that have no floor point under
-- that calibration, oldest first, in bounded batches. Progress is observations done of total.
CREATE TABLE kanohi_backfill_jobs (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  camera_id       integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  calibration_id  integer NOT NULL REFERENCES calibrations (id) ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'superseded')),
  from_time       timestamptz NOT NULL,          -- oldest observation considered
  to_time         timestamptz NOT NULL,          -- the calibration's save time: later rows come through the live ingest
  cursor_time     timestamptz,                   -- everything before this is done
  total           integer NOT NULL DEFAULT 0,
  done            integer NOT NULL DEFAULT 0,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);
CREATE INDEX kanohi_backfill_jobs_camera_idx ON kanohi_backfill_jobs (camera_id, id DESC);
