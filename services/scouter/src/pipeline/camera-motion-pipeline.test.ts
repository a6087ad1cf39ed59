// Camera-motion compensation in the camera pipeline: real frames (a window panning jerkily over the
// photo assets/samples.jpg of @vladmandic/human), the real motion estimate and the real tracker; a
// stand-in detector returns three people standing still in the scene, so their boxes jump with the
// camera. With track(...)'s default (motion='auto') each keeps one identity; with motion='off' the
// pan breaks them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TracksEvent } from '@sightline/contracts';
import { compileFlow, type TrackMotion } from '@sightline/flow';
import { decodeImageRgb } from '@sightline/media';
import { ByteTracker, Detections, type Frame, type VideoFrame } from '@sightline/vision';
import { CameraPipeline } from './camera-pipeline.ts';
import type { PipelineStages } from './stages.ts';

const samples = fileURLToPath(new URL('../../../../node_modules/@vladmandic/human/assets/samples.jpg', import.meta.url));
const [W, H] = [320, 240];
/** The camera's left edge in the photo per frame: still, 30 px a frame right, still, back left, still. */
const cameraX: number[] = [];
for (let t = 0, x = 400; t < 26; t++) cameraX.push((x += t < 4 ? 0 : t < 10 ? 30 : t < 15 ? 0 : t < 21 ? -30 : 0));
// Inside the view all along: the camera's left edge runs from 400 to 580, so x 580-720 is always seen.
const PEOPLE = [590, 640, 690];
let photo: Frame<'rgb24'>;

before(async () => {
  photo = await decodeImageRgb(samples);
});

function stages(): PipelineStages {
  return {
    async *openSource(): AsyncGenerator<VideoFrame> {
      for (let index = 0; index < cameraX.length; index++) {
        const data = new Uint8Array(W * H * 3);
        for (let y = 0; y < H; y++) data.set(photo.data.subarray(((400 + y) * photo.width + cameraX[index]!) * 3, ((400 + y) * photo.width + cameraX[index]! + W) * 3), y * W * 3);
        yield { data, width: W, height: H, format: 'rgb24', index };
      }
    },
    async loadDetector() {
      return {
        className: () => 'person',
        async detect(frame) {
          const x = cameraX[frame.index]!;
          return { frame, detections: Detections.fromRows(PEOPLE.map((p) => ({ xyxy: [p - x, 60, p - x + 24, 150] as const, confidence: 0.9, classId: 0 }))) };
        },
      };
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
