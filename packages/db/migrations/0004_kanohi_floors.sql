-- Kanohi's floor-map schema. Floor coordinates are metres from the floor plan's top-left corner,
-- x to the right and y downwards (the image's own axes), so a floor-plan pixel (u, v) is
-- (u * meters_per_pixel, v * meters_per_pixel) metres.
CREATE TABLE floors (
  id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  width_m          real NOT NULL CHECK (width_m > 0),
  height_m         real NOT NULL CHECK (height_m > 0),
  meters_per_pixel real CHECK (meters_per_pixel > 0),
  image            bytea,
  image_type       text CHECK (image_type IN ('image/png', 'image/jpeg', 'image/webp')),
  image_width_px   integer CHECK (image_width_px > 0),
  image_height_px  integer CHECK (image_height_px > 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((image IS NULL) = (image_type IS NULL))
);

-- Which floor a camera looks at (several cameras per floor, one floor per camera).
CREATE TABLE camera_placements (
  camera_id  integer PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  floor_id   integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  placed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX camera_placements_floor_idx ON camera_placements (floor_id);

-- A still of the camera's view for clicking calibration points (uploaded by the user).
CREATE TABLE camera_snapshots (
  camera_id   integer PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  image       bytea NOT NULL,
  image_type  text NOT NULL CHECK (image_type IN ('image/png', 'image/jpeg', 'image/webp')),
  width_px    integer NOT NULL CHECK (width_px > 0),
  height_px   integer NOT NULL CHECK (height_px > 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every calibration ever saved, versioned per camera; the highest version is the current one.
-- matrix maps camera pixels to floor metres (row-major 3x3, w > 0 in front of the horizon).
CREATE TABLE calibrations (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  camera_id     integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  version       integer NOT NULL CHECK (version >= 1),
  floor_id      integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  frame_width   integer CHECK (frame_width > 0),
  frame_height  integer CHECK (frame_height > 0),
  points        jsonb NOT NULL,              -- [{"imageXy": [u, v], "floorXy": [x, y]}, ...]
  matrix        double precision[] NOT NULL CHECK (array_length(matrix, 1) = 9),
  errors_m      double precision[] NOT NULL,
  rms_error_m   double precision NOT NULL,
  max_error_m   double precision NOT NULL,
  warnings      jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (camera_id, version)
);

-- Each observation's box bottom centre projected onto its camera's floor, written by Kanohi's
-- ingest. The key makes a replayed NOTIFY harmless. seconds = how long this sample stands for
-- (1 / camera fps): the dwell-time weight.
CREATE TABLE floor_points (
  floor_id        integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  observed_at     timestamptz NOT NULL,
  camera_id       integer NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  track_id        bigint NOT NULL,
  calibration_id  integer NOT NULL REFERENCES calibrations (id) ON DELETE CASCADE,
  class_name      text NOT NULL,
  x_m             real NOT NULL,
  y_m             real NOT NULL,
  seconds         real NOT NULL,
  gender          text NOT NULL DEFAULT '',
  age_band        text NOT NULL DEFAULT '',
  attributes      jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (camera_id, track_id, observed_at)
);
CREATE INDEX floor_points_floor_time_idx ON floor_points (floor_id, observed_at);
CREATE INDEX floor_points_track_time_idx ON floor_points (track_id, observed_at);

-- Heatmap roll-up: samples and seconds per floor, minute, 0.25 m cell and filter dimensions, so a
-- heatmap over millions of observations reads a few thousand rows. Larger cells sum whole base
-- cells (cell_x / k). Filled in the same statement that writes floor_points.
CREATE TABLE floor_heat_cells (
  floor_id    integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  bucket      timestamptz NOT NULL,          -- date_trunc('minute', observed_at)
  cell_x      integer NOT NULL,              -- floor(x_m / 0.25)
  cell_y      integer NOT NULL,
  class_name  text NOT NULL,
  gender      text NOT NULL DEFAULT '',
  age_band    text NOT NULL DEFAULT '',
  samples     integer NOT NULL,
  seconds     double precision NOT NULL,
  PRIMARY KEY (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
);

-- Drawn on the map: zones (polygons, metres) for occupancy and dwell, lines for in/out counts.
CREATE TABLE zones (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  floor_id    integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  polygon_xy  jsonb NOT NULL,                -- [[x, y], ...] metres
  area        polygon NOT NULL,              -- the same corners, for SQL containment tests
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (floor_id, name)
);

CREATE TABLE count_lines (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  floor_id    integer NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  start_x_m   real NOT NULL,
  start_y_m   real NOT NULL,
  end_x_m     real NOT NULL,
  end_y_m     real NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (floor_id, name),
  CHECK (start_x_m <> end_x_m OR start_y_m <> end_y_m)
);
