-- Frames a tracked camera published with the tracker's predicted boxes instead of a detector pass
-- (detect(..., every=N), or every='auto' keeping the camera's rate behind a busy engine).
ALTER TABLE camera_status ADD COLUMN frames_predicted bigint NOT NULL DEFAULT 0;
