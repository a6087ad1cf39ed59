-- Scouter's system of record: cameras, the tracks its tracker produced, and every observation
-- (one box of one track in one processed frame). Kanohi and Hawk read these tables; only Scouter
-- writes them. After each batch insert Scouter sends NOTIFY on channel 'observations_inserted'
-- with payload {"cameraId": n, "fromTime": iso, "toTime": iso} (see packages/contracts bus.ts).
CREATE TABLE cameras (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  uri           text NOT NULL,                      -- file:///..., rtsp://..., http(s)://...
  fps           real NOT NULL DEFAULT 10 CHECK (fps > 0 AND fps <= 120),
  loop_video    boolean NOT NULL DEFAULT false,     -- files only: start again at the end
  enabled       boolean NOT NULL DEFAULT true,
  frame_width   integer CHECK (frame_width > 0),    -- known after the first decoded frame
  frame_height  integer CHECK (frame_height > 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per tracker identity. tracker_id restarts when a camera's pipeline restarts, so the
-- stable key is id; (camera_id, run_id, tracker_id) is what the pipeline knows.
CREATE TABLE tracks (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  camera_id     integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  run_id        uuid NOT NULL,
  tracker_id    integer NOT NULL,
  class_name    text NOT NULL,
  first_seen    timestamptz NOT NULL,
  last_seen     timestamptz NOT NULL,
  -- Smoothed per-track attributes: {"age": {"value": 31, "confidence": 0.8}, "gender": {...}}
  attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
  UNIQUE (camera_id, run_id, tracker_id)
);
CREATE INDEX tracks_camera_last_seen_idx ON tracks (camera_id, last_seen DESC);

-- Time-partitioned: Scouter adds daily partitions ahead of time; the default partition catches
-- anything else so an insert never fails for want of a partition.
CREATE TABLE observations (
  observed_at   timestamptz NOT NULL,
  camera_id     integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  track_id      bigint NOT NULL,
  class_name    text NOT NULL,
  score         real NOT NULL,
  -- Box in camera pixels (x1,y1 top-left, x2,y2 bottom-right) of a frame_width x frame_height image.
  x1 real NOT NULL, y1 real NOT NULL, x2 real NOT NULL, y2 real NOT NULL,
  attributes    jsonb NOT NULL DEFAULT '{}'::jsonb
) PARTITION BY RANGE (observed_at);
CREATE TABLE observations_default PARTITION OF observations DEFAULT;
CREATE INDEX observations_camera_time_idx ON observations (camera_id, observed_at);
CREATE INDEX observations_track_time_idx ON observations (track_id, observed_at);
