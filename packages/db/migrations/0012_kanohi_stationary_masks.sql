-- Kanohi: heatmaps that show where people went, not where a false detection sat.

-- A stationary span: a track whose floor position stayed within a small radius for minutes (a
-- poster, a mannequin, a reflection on the grass detected as a person). The ingest writes one row
-- per span and extends it while the track keeps still; heatmaps leave the span's samples out unless
-- asked to include them.
CREATE TABLE floor_stationary_spans (
  camera_id   integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  track_id    bigint NOT NULL,
  started_at  timestamptz NOT NULL,
  floor_id    integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  ended_at    timestamptz NOT NULL,
  x_m         real NOT NULL,
  y_m         real NOT NULL,
  PRIMARY KEY (camera_id, track_id, started_at)
);
CREATE INDEX floor_stationary_spans_floor_idx ON floor_stationary_spans (floor_id, ended_at);

-- A zone is either counted (entries, dwell) or an exclusion mask: heatmap cells inside a mask are
-- left out (a screen, a mirror, a door that detectors mistake for people).
ALTER TABLE zones ADD COLUMN kind text NOT NULL DEFAULT 'zone' CHECK (kind IN ('zone', 'mask'));
