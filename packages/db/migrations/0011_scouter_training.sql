-- Training of attribute heads from Hawk's approved labels (issue 18). A `sightline train` config
-- (a grid of jobs) becomes rows of scouter_training_jobs; a worker claims one at a time
-- (FOR UPDATE SKIP LOCKED), writes progress and per-epoch metrics, and on success stores the
-- trained head as a new version of scouter_attribute_heads in the same transaction that marks the
-- job done: a crash leaves a failed (or stale running) job and never a half-written head.
CREATE TABLE scouter_training_jobs (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grid_id         text NOT NULL,                    -- jobs made from one config share it
  name            text NOT NULL,                    -- head name the job trains (the attribute unless renamed)
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  config          jsonb NOT NULL,                   -- one resolved job of the grid (contracts TrainJobConfig)
  progress        real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  epochs          jsonb NOT NULL DEFAULT '[]'::jsonb, -- [{epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, seconds}]
  metrics         jsonb,                            -- {labels, confusion, perClass: [{label, precision, recall, support}], ...}
  dataset         jsonb,                            -- {trainBoxes, valBoxes, classCounts, featureSeconds}
  error           text,
  cancel_requested boolean NOT NULL DEFAULT false,
  worker          text,
  head_id         integer,                          -- the version this job produced
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  heartbeat_at    timestamptz,
  finished_at     timestamptz
);
CREATE INDEX scouter_training_jobs_queue_idx ON scouter_training_jobs (id) WHERE status IN ('queued', 'running');

-- Versioned heads: the ONNX model and its card (AttributeHeadSpec), the metrics, the config and the
-- Hawk box ids it was trained on (train and validation). At most one deployed version per name.
CREATE TABLE scouter_attribute_heads (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  version         integer NOT NULL CHECK (version >= 1),
  job_id          integer REFERENCES scouter_training_jobs (id) ON DELETE SET NULL,
  labels          jsonb NOT NULL,
  spec            jsonb NOT NULL,
  onnx            bytea NOT NULL,
  config          jsonb NOT NULL,
  metrics         jsonb NOT NULL,
  box_ids         jsonb NOT NULL,                   -- {"train": [...], "validation": [...]}, "video:frame:box"
  deployed        boolean NOT NULL DEFAULT false,
  deployed_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, version)
);
CREATE UNIQUE INDEX scouter_attribute_heads_deployed_idx ON scouter_attribute_heads (name) WHERE deployed;

ALTER TABLE scouter_training_jobs
  ADD CONSTRAINT scouter_training_jobs_head_fk FOREIGN KEY (head_id) REFERENCES scouter_attribute_heads (id) ON DELETE SET NULL;

-- Channel `scouter_training`: {"id", "status", "progress"} on every job change (live curves);
-- channel `scouter_heads`: {"name", "version"} when a deployed version changes (pipelines reload).
CREATE FUNCTION scouter_training_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('scouter_training', json_build_object('id', NEW.id, 'status', NEW.status, 'progress', NEW.progress)::text);
  RETURN NEW;
END $$;
CREATE TRIGGER scouter_training_jobs_notify AFTER INSERT OR UPDATE ON scouter_training_jobs
  FOR EACH ROW EXECUTE FUNCTION scouter_training_notify();

CREATE FUNCTION scouter_heads_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.deployed IS DISTINCT FROM OLD.deployed THEN
    PERFORM pg_notify('scouter_heads', json_build_object('name', NEW.name, 'version', NEW.version, 'deployed', NEW.deployed)::text);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER scouter_attribute_heads_notify AFTER UPDATE OF deployed ON scouter_attribute_heads
  FOR EACH ROW EXECUTE FUNCTION scouter_heads_notify();
