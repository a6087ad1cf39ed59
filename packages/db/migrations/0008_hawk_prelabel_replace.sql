-- Pre-labeling a range again can replace what the model wrote there earlier instead of adding a
-- second copy: `replace_model_boxes` asks for it, `replaced_count` says how many boxes and tracks
-- of earlier runs were removed. Only boxes still as the model wrote them are replaced; a box a
-- person edited (or drew) is kept.
ALTER TABLE hawk_prelabel_jobs
  ADD COLUMN replace_model_boxes boolean NOT NULL DEFAULT false,
  ADD COLUMN replaced_count integer;
