-- Scouter's runtime state: which worker runs which camera (leases), what each camera's pipeline
-- is doing (state + statistics), the pipeline spec each camera runs, stored flows, and a helper that
-- adds daily observation partitions ahead of time.

-- Live Scouter worker processes. A worker whose heartbeat is older than its lease TTL is dead;
-- the count of live workers sets each worker's fair share of cameras.
CREATE TABLE scouter_workers (
  worker_id     uuid PRIMARY KEY,
  hostname      text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scouter_workers_heartbeat_idx ON scouter_workers (heartbeat_at DESC);

-- One row per claimed camera. Claimed with FOR UPDATE SKIP LOCKED on cameras; a lease whose
-- expires_at has passed (its worker stopped renewing it) may be taken by any worker.
CREATE TABLE camera_leases (
  camera_id     integer PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  worker_id     uuid NOT NULL,
  acquired_at   timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX camera_leases_worker_idx ON camera_leases (worker_id);

-- What a camera's pipeline runs (a planned PipelineSpec from packages/flow, as JSON) and which
-- stored flow, if any, it came from. Cameras added over HTTP get the default spec.
CREATE TABLE flows (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  source        text NOT NULL,
  plan          jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE camera_pipelines (
  camera_id     integer PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  flow_id       integer REFERENCES flows (id) ON DELETE SET NULL,
  spec          jsonb NOT NULL
);

-- The last reported state and running statistics of each camera's pipeline, written by the worker
-- holding its lease every few seconds and on every state change.
CREATE TABLE camera_status (
  camera_id         integer PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  state             text NOT NULL CHECK (state IN ('idle', 'starting', 'running', 'reconnecting', 'ended', 'failed')),
  message           text,
  worker_id         uuid,
  frames_decoded    bigint NOT NULL DEFAULT 0,
  frames_processed  bigint NOT NULL DEFAULT 0,
  frames_dropped    bigint NOT NULL DEFAULT 0,
  reconnects        integer NOT NULL DEFAULT 0,
  fps               real NOT NULL DEFAULT 0,
  latency_ms_p50    real,
  latency_ms_p95    real,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Creates the daily partitions of observations from today through `days_ahead` days on. A day whose
-- rows already sit in the default partition is left there (Postgres refuses to create a partition
-- overlapping rows of the default one); it stays queryable and the next day gets its partition.
CREATE FUNCTION scouter_ensure_observation_partitions(days_ahead integer DEFAULT 2) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  day date;
  part text;
  created integer := 0;
BEGIN
  FOR i IN 0..days_ahead LOOP
    day := (now() AT TIME ZONE 'UTC')::date + i;
    part := format('observations_%s', to_char(day, 'YYYYMMDD'));
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM observations_default
      WHERE observed_at >= (day::timestamp AT TIME ZONE 'UTC') AND observed_at < ((day + 1)::timestamp AT TIME ZONE 'UTC'));
    EXECUTE format('CREATE TABLE %I PARTITION OF observations FOR VALUES FROM (%L) TO (%L)', part,
      (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
    created := created + 1;
  END LOOP;
  RETURN created;
END $$;
