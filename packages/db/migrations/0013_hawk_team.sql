-- Hawk as a team tool: which annotators may see which project (reviewers and admins see every
-- project), and users an admin disabled (they cannot log in; their sessions stop working; their
-- boxes and history stay attributed to them).

CREATE TABLE hawk_project_members (
  project_id     integer NOT NULL REFERENCES hawk_projects (id) ON DELETE CASCADE,
  user_id        integer NOT NULL REFERENCES hawk_users (id) ON DELETE CASCADE,
  added_by       integer NOT NULL REFERENCES hawk_users (id),
  added_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX hawk_project_members_user_idx ON hawk_project_members (user_id);

ALTER TABLE hawk_users ADD COLUMN disabled_at timestamptz;
