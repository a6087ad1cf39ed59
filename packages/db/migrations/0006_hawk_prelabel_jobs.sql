-- Model-assisted pre-labeling: Hawk queues a job per frame range of a video; a Scouter worker claims
-- it (FOR UPDATE SKIP LOCKED), runs the detector (and tracker) on Hawk's extracted frames and stores
-- the boxes in `result`; Hawk then writes them into the annotation set as a new version attributed
-- to its "model" user. Services never call each other: this table and the `hawk_prelabel` NOTIFY
-- channel (payload {"id", "status"} on every status change, sent by the trigger below) are the bus.
CREATE TABLE hawk_prelabel_jobs (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  video_id        integer NOT NULL REFERENCES hawk_videos (id) ON DELETE CASCADE,
  set_id          integer NOT NULL REFERENCES hawk_annotation_sets (id) ON DELETE CASCADE,
  frames_dir      text NOT NULL,                    -- folder of 000001.jpg ... (frame f = file f+1)
  frame_from      integer NOT NULL CHECK (frame_from >= 0),
  frame_to        integer NOT NULL CHECK (frame_to >= frame_from),
  model           text NOT NULL DEFAULT 'centernet',
  classes         jsonb NOT NULL,                   -- [{"detector": "person", "label": "person"}]
  score_threshold real NOT NULL CHECK (score_threshold BETWEEN 0 AND 1),
  track           boolean NOT NULL,                 -- link boxes into tracks with the tracker
  fps             real NOT NULL CHECK (fps > 0),    -- rate of the extracted frames (tracker motion model)
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'applied', 'failed')),
  frames_done     integer NOT NULL DEFAULT 0,
  result          jsonb,                            -- {"frames": [{"frame", "boxes": [{"label", "xyxy", "score", "trackId"}]}]}
  error           text,
  worker          text,
  applied_version integer,
  requested_by    integer NOT NULL REFERENCES hawk_users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  claimed_at      timestamptz,
  heartbeat_at    timestamptz,
  finished_at     timestamptz
);
CREATE INDEX hawk_prelabel_jobs_queue_idx ON hawk_prelabel_jobs (id) WHERE status IN ('queued', 'running', 'done');
CREATE INDEX hawk_prelabel_jobs_video_idx ON hawk_prelabel_jobs (video_id, id);

CREATE FUNCTION hawk_prelabel_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    PERFORM pg_notify('hawk_prelabel', json_build_object('id', NEW.id, 'status', NEW.status)::text);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER hawk_prelabel_jobs_notify AFTER INSERT OR UPDATE OF status ON hawk_prelabel_jobs
  FOR EACH ROW EXECUTE FUNCTION hawk_prelabel_notify();
