-- Scouter console: per-camera regions (masks the detector ignores, zones and counting lines that
-- raise events), the events themselves with a snapshot, and HTTP webhooks that receive them.

-- Regions in image pixels of the camera's frame:
-- {"masks": [[[x,y],...], ...], "zones": [{"name": "door", "polygon": [[x,y],...]}],
--  "lines": [{"name": "gate", "from": [x,y], "to": [x,y]}]}
ALTER TABLE cameras ADD COLUMN regions jsonb NOT NULL DEFAULT '{"masks": [], "zones": [], "lines": []}'::jsonb;

-- One row per event of a tracked object (track started/ended, entered/left a zone, crossed a line).
-- Time-stamped and keyed by (occurred_at, id) so it can become time-partitioned like observations;
-- Scouter deletes rows past the retention limits (SCOUTER_EVENT_RETENTION_HOURS, _MAX_PER_CAMERA).
CREATE TABLE scouter_events (
  id            bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at   timestamptz NOT NULL,
  camera_id     integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('track-started', 'track-ended', 'zone-entered', 'zone-left', 'line-crossed')),
  run_id        uuid NOT NULL,
  tracker_id    integer NOT NULL,
  class_name    text NOT NULL,
  region        text,                               -- zone or line name; null for track events
  direction     text CHECK (direction IN ('in', 'out')), -- line crossings only
  score         real NOT NULL,
  x1 real NOT NULL, y1 real NOT NULL, x2 real NOT NULL, y2 real NOT NULL,
  -- The object's attributes at that moment: {"gender": {"value": "female", "confidence": 0.82}}
  attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
  snapshot      bytea,                              -- JPEG of the frame with the box drawn
  PRIMARY KEY (occurred_at, id)
);
CREATE INDEX scouter_events_camera_time_idx ON scouter_events (camera_id, occurred_at DESC);
CREATE INDEX scouter_events_id_idx ON scouter_events (id);

-- Generic HTTP notifications: every event (of the listed kinds, all when empty) is POSTed as JSON.
CREATE TABLE scouter_webhooks (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  url           text NOT NULL CHECK (url ~ '^https?://'),
  kinds         text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);
