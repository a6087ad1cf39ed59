-- Every running service process registers here and refreshes its heartbeat, so the web app and
-- other services can find live instances (and a later scale-out can see dead ones).
CREATE TABLE service_instances (
  instance_id   uuid PRIMARY KEY,
  service       text NOT NULL CHECK (service IN ('hawk', 'scouter', 'kanohi')),
  base_url      text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_instances_service_heartbeat_idx ON service_instances (service, heartbeat_at DESC);
