-- Scouter's pre-labeling worker no longer reads Hawk's frame files: it fetches the job's frames from
-- Hawk's API (GET /videos/:id/frames) with `frames_token`, a read-only Hawk API token of the person
-- who asked (auth_api_tokens row `frames_token_id`), created by Hawk when it queues the job. The
-- token lives as long as the work: once a job leaves queued/running (done, applied, failed) or is
-- deleted, the trigger below revokes it and forgets its text. `frames_dir` stays Hawk's own note.
-- The contract (what a claim gives the worker, the result, the notice) is
-- packages/contracts/src/hawk-prelabel-queue.ts.
ALTER TABLE hawk_prelabel_jobs
  ADD COLUMN frames_token    text,
  ADD COLUMN frames_token_id integer REFERENCES auth_api_tokens (id) ON DELETE SET NULL;

CREATE FUNCTION hawk_prelabel_revoke_token() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE auth_api_tokens SET revoked_at = now() WHERE id = OLD.frames_token_id AND revoked_at IS NULL;
    RETURN OLD;
  END IF;
  IF NEW.status NOT IN ('queued', 'running') AND NEW.frames_token_id IS NOT NULL THEN
    UPDATE auth_api_tokens SET revoked_at = now() WHERE id = NEW.frames_token_id AND revoked_at IS NULL;
    NEW.frames_token := NULL;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER hawk_prelabel_jobs_revoke_token BEFORE UPDATE OF status OR DELETE ON hawk_prelabel_jobs
  FOR EACH ROW EXECUTE FUNCTION hawk_prelabel_revoke_token();
