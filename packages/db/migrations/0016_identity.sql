-- One identity for the whole system (packages/auth): Hawk's users and sessions become the system's,
-- renamed in place so every id and every foreign key that points at them stays as it was.
-- Adds the roles operator and viewer, a system-user flag (the pre-labeling user "model" writes
-- labels but never logs in and never counts as the admin), API tokens and first-run setup tokens.

ALTER TABLE hawk_users RENAME TO auth_users;
ALTER TABLE auth_users RENAME CONSTRAINT hawk_users_pkey TO auth_users_pkey;
ALTER TABLE auth_users RENAME CONSTRAINT hawk_users_username_key TO auth_users_username_key;
ALTER TABLE auth_users DROP CONSTRAINT hawk_users_role_check;
ALTER TABLE auth_users ADD CONSTRAINT auth_users_role_check CHECK (role IN ('admin', 'operator', 'reviewer', 'annotator', 'viewer'));
ALTER TABLE auth_users ADD COLUMN is_system boolean NOT NULL DEFAULT false;
UPDATE auth_users SET is_system = true WHERE password_hash = 'system';

ALTER TABLE hawk_sessions RENAME TO auth_sessions;
ALTER TABLE auth_sessions RENAME CONSTRAINT hawk_sessions_pkey TO auth_sessions_pkey;
ALTER INDEX hawk_sessions_user_idx RENAME TO auth_sessions_user_idx;
CREATE INDEX auth_sessions_expires_idx ON auth_sessions (expires_at);

-- Only a hash of each token is stored; the token's text is shown once, when it is made.
CREATE TABLE auth_api_tokens (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash     text NOT NULL UNIQUE,
  user_id        integer NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  services       text[] NOT NULL CHECK (services <@ ARRAY['hawk', 'scouter', 'kanohi'] AND cardinality(services) > 0),
  read_only      boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz,
  revoked_at     timestamptz,
  last_used_at   timestamptz
);
CREATE INDEX auth_api_tokens_user_idx ON auth_api_tokens (user_id);

-- The one-time token that lets the first admin be created (printed by `npm start`).
CREATE TABLE auth_setup_tokens (
  token_hash     text PRIMARY KEY,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL
);
