-- Uploads that stop half way expire: Hawk's periodic sweep removes videos still `uploading` whose
-- last chunk (or announcement) is older than HAWK_STALE_UPLOAD_HOURS, with their files.
ALTER TABLE hawk_videos ADD COLUMN received_at timestamptz;
UPDATE hawk_videos SET received_at = created_at WHERE status = 'uploading';
CREATE INDEX hawk_videos_uploading_idx ON hawk_videos (coalesce(received_at, created_at)) WHERE status = 'uploading';
