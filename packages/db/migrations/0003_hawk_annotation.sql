-- Hawk's annotation schema: users and sessions, projects with label schemas, uploaded videos and
-- their extracted frames, annotation sets (one per annotator replica, per merge result) with
-- optimistic versions and a change log, assignments, consensus runs and reviews.

CREATE TABLE hawk_users (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-zA-Z0-9_.-]{1,64}$'),
  password_hash  text NOT NULL,                      -- scrypt$N$r$p$salt$hash (base64)
  role           text NOT NULL CHECK (role IN ('annotator', 'reviewer', 'admin')),
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of the token is stored: a leaked table cannot be replayed as sessions.
CREATE TABLE hawk_sessions (
  token_hash     text PRIMARY KEY,
  user_id        integer NOT NULL REFERENCES hawk_users (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL
);
CREATE INDEX hawk_sessions_user_idx ON hawk_sessions (user_id);

CREATE TABLE hawk_projects (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  label_schema   jsonb NOT NULL,                     -- {"classes": [{name, color, hotkey, attributes: [...]}]}
  schema_version integer NOT NULL DEFAULT 1,
  created_by     integer NOT NULL REFERENCES hawk_users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A video is created when its upload starts; bytes arrive in chunks (restartable at received_bytes),
-- then ffprobe checks it and ffmpeg extracts every frame_step-th frame as JPEG.
CREATE TABLE hawk_videos (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id     integer NOT NULL REFERENCES hawk_projects (id) ON DELETE CASCADE,
  file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  status         text NOT NULL CHECK (status IN ('uploading', 'extracting', 'ready', 'failed')),
  size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
  received_bytes bigint NOT NULL DEFAULT 0,
  frame_step     integer NOT NULL DEFAULT 1 CHECK (frame_step >= 1),
  width          integer,
  height         integer,
  fps            real,
  duration_s     real,
  source_frames  integer,                            -- frames in the source (estimated from ffprobe)
  frame_count    integer NOT NULL DEFAULT 0,         -- extracted frames, numbered 0..frame_count-1
  error          text,
  created_by     integer NOT NULL REFERENCES hawk_users (id),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hawk_videos_project_idx ON hawk_videos (project_id);

-- A frame range handed to several annotators; each gets a replica annotation set.
CREATE TABLE hawk_assignments (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  video_id       integer NOT NULL REFERENCES hawk_videos (id) ON DELETE CASCADE,
  frame_from     integer NOT NULL CHECK (frame_from >= 0),
  frame_to       integer NOT NULL CHECK (frame_to >= frame_from),
  created_by     integer NOT NULL REFERENCES hawk_users (id),
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- kind 'main': the video's shared set; 'replica': one annotator's copy for an assignment;
-- 'merged': a consensus result (never overwritten: each merge makes a new set).
CREATE TABLE hawk_annotation_sets (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  video_id       integer NOT NULL REFERENCES hawk_videos (id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('main', 'replica', 'merged')),
  assignment_id  integer REFERENCES hawk_assignments (id) ON DELETE CASCADE,
  annotator_id   integer REFERENCES hawk_users (id),
  version        integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'replica') = (annotator_id IS NOT NULL AND assignment_id IS NOT NULL))
);
CREATE UNIQUE INDEX hawk_annotation_sets_main_idx ON hawk_annotation_sets (video_id) WHERE kind = 'main';
CREATE UNIQUE INDEX hawk_annotation_sets_replica_idx ON hawk_annotation_sets (assignment_id, annotator_id) WHERE kind = 'replica';

-- Current boxes of one frame of a set (the whole frame is replaced on save).
CREATE TABLE hawk_frame_boxes (
  set_id         integer NOT NULL REFERENCES hawk_annotation_sets (id) ON DELETE CASCADE,
  frame_index    integer NOT NULL CHECK (frame_index >= 0),
  boxes          jsonb NOT NULL,                     -- [{id, label, xyxy, attributes, score?}]
  PRIMARY KEY (set_id, frame_index)
);

CREATE TABLE hawk_tracks (
  set_id         integer NOT NULL REFERENCES hawk_annotation_sets (id) ON DELETE CASCADE,
  track_id       text NOT NULL,
  label          text NOT NULL,
  attributes     jsonb NOT NULL DEFAULT '{}'::jsonb,
  keyframes      jsonb NOT NULL,                     -- [{frame, xyxy, outside}] sorted by frame
  PRIMARY KEY (set_id, track_id)
);

-- Every accepted save: the patch that produced `version`, who sent it and when.
CREATE TABLE hawk_annotation_changes (
  set_id         integer NOT NULL REFERENCES hawk_annotation_sets (id) ON DELETE CASCADE,
  version        integer NOT NULL,
  patch          jsonb NOT NULL,
  user_id        integer NOT NULL REFERENCES hawk_users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (set_id, version)
);

CREATE TABLE hawk_consensus_runs (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  assignment_id  integer NOT NULL REFERENCES hawk_assignments (id) ON DELETE CASCADE,
  result_set_id  integer NOT NULL REFERENCES hawk_annotation_sets (id) ON DELETE CASCADE,
  min_iou        real NOT NULL,
  quorum         real NOT NULL,
  agreement      jsonb NOT NULL,                     -- [{annotatorId, username, score, matched, total}]
  created_by     integer NOT NULL REFERENCES hawk_users (id),
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- Decisions on a frame range of one set; the latest decision covering a frame wins.
CREATE TABLE hawk_reviews (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  set_id         integer NOT NULL REFERENCES hawk_annotation_sets (id) ON DELETE CASCADE,
  frame_from     integer NOT NULL CHECK (frame_from >= 0),
  frame_to       integer NOT NULL CHECK (frame_to >= frame_from),
  decision       text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  comment        text NOT NULL DEFAULT '',
  reviewer_id    integer NOT NULL REFERENCES hawk_users (id),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hawk_reviews_set_idx ON hawk_reviews (set_id, created_at);
