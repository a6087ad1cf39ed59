-- Scouter: the latest JPEG preview of each camera, so every Scouter process can show it. Live
-- events between processes travel over NOTIFY, whose payload must stay under 8000 bytes; a preview
-- is tens of kilobytes. The worker running a camera writes its preview here and NOTIFYs only
-- (camera_id, seq); other processes read the row when they have a browser to show it to.
-- UNLOGGED: a preview is stale within a second, so it is not worth WAL; a crash empties the table
-- and the next preview fills it again.
CREATE SEQUENCE scouter_preview_seq;

CREATE UNLOGGED TABLE scouter_previews (
  camera_id     integer PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  -- From one logged sequence for every camera and worker: increases even when the camera moves to
  -- another worker or the table was emptied by a crash, so a reader can tell new from stale.
  seq           bigint NOT NULL DEFAULT nextval('scouter_preview_seq'),
  frame_index   bigint NOT NULL,
  width         integer NOT NULL CHECK (width > 0),
  height        integer NOT NULL CHECK (height > 0),
  jpeg          bytea NOT NULL,
  captured_at   timestamptz NOT NULL DEFAULT now()
);
