// Camera-motion compensation in the camera pipeline: real frames (a window panning jerkily over the
// photo assets/samples.jpg of @vladmandic/human), the real motion estimate and the real tracker; a
// stand-in detector returns three people standing still in the scene, so their boxes jump with the
// camera. With track(...)'s default (motion='auto') each keeps one identity; with motion='off' the
// pan breaks them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { TracksEvent } from '@sightline/contracts';
import { compileFlow, type TrackMotion } from '@sightline/flow';
import { ByteTracker, type Frame, type VideoFrame } from '@sightline/vision';
import { cameraX, panFrame, panPeople, panPhoto } from '../../test-support/jerky-pan.fixture.ts';
import { CameraPipeline } from './camera-pipeline.ts';
import type { PipelineStages } from './stages.ts';

let photo: Frame<'rgb24'>;

before(async () => {
  photo = await panPhoto();
});

function stages(): PipelineStages {
  return {
    async *openSource(): AsyncGenerator<VideoFrame> {
      for (let index = 0; index < cameraX.length; index++) yield panFrame(photo, index);
    },
    async loadDetector() {
      return { className: () => 'person', detect: async (frame) => ({ frame, detections: panPeople(frame.index) }) };
    },
    createTracker: (_spec, fps) => new ByteTracker({ frameRate: fps, trackThresh: 0.5, newTrackThresh: 0.6, minHits: 3 }),
  };
}

async function identities(track: string): Promise<{ ids: number; boxes: number; events: TracksEvent[]; motion: TrackMotion | undefined }> {
  const planned = compileFlow(`CREATE SOURCE cam TYPE video WITH uri='file:///pan.mp4', fps=10;\nCREATE STREAM people AS SELECT ${track} FROM cam;\nINSERT INTO live FROM people;`);
  assert.ok(planned.ok);
  const spec = planned.pipelines[0]!;
  const events: TracksEvent[] = [];
  const pipeline = new CameraPipeline(1, spec, stages(), { onTracks: (e) => events.push(e), onState: () => undefined }, { stallMs: 5000, reconnectMaxMs: 1000, realtime: false });
  pipeline.start();
  await pipeline.done;
  return { ids: new Set(events.flatMap((e) => e.boxes.map((b) => b.trackerId))).size, boxes: events.reduce((n, e) => n + e.boxes.length, 0), events, motion: spec.track?.motion };
}

test("a jerky pan: the default track(...) keeps three people's identities; motion='off' loses them", async () => {
  const compensated = await identities('track(detect(frame))');
  assert.equal(compensated.events.length, cameraX.length);
  assert.equal(compensated.ids, 3, 'one identity per person with camera-motion compensation');
  // The tracker reports every track during its first minHits frames, so every person in every frame.
  assert.equal(compensated.boxes, 3 * cameraX.length, 'every person in every frame');
  const still = await identities("track(detect(frame), motion='off')");
  assert.equal(still.motion, 'off');
  assert.ok(still.ids >= 6, `without compensation the pan should break identities: ${still.ids} ids`);
  assert.ok(still.boxes < compensated.boxes - 3 * 8, `without compensation people go unreported during the pans: ${still.boxes} boxes`);
});
