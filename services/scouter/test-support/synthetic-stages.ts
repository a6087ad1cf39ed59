import type { SourceSpec } from '@sightline/flow';
import { ByteTracker, Detections } from '@sightline/vision';
import type { VideoFrame } from '@sightline/vision';
import type { Detector, PipelineStages } from '../src/pipeline/stages.ts';

const WIDTH = 640;
const HEIGHT = 480;
// Every synthetic frame shares these pixels: the synthetic detector never looks at them, and 500
// frames/s of fresh 900 KB buffers would measure the allocator instead of the pipeline.
const PIXELS = new Uint8Array(WIDTH * HEIGHT * 3);

/**
 * Pipeline stages with no decoder and no model, for load simulations: the source yields 640 x 480
 * frames (the pipeline paces a file source at the camera's fps), the detector returns `people`
 * boxes walking across the frame, and the real ByteTrack tracker follows them. Everything after
 * the detector (tracker, batcher, leases, PostgreSQL writes, NOTIFY) is Scouter's own code.
 */
export function syntheticStages(options: { people: number; framesPerRun?: number }): PipelineStages {
  const framesPerRun = options.framesPerRun ?? 600;
  return {
    async *openSource(_source: SourceSpec, signal: AbortSignal): AsyncIterable<VideoFrame> {
      for (let index = 0; index < framesPerRun && !signal.aborted; index++) {
        yield { data: PIXELS, width: WIDTH, height: HEIGHT, format: 'rgb24', index };
      }
    },
    async loadDetector(): Promise<Detector> {
      return {
        className: () => 'person',
        async detect(frame: VideoFrame) {
          const rows = Array.from({ length: options.people }, (_, p) => {
            // Person p walks right at 4 px a frame in its own lane, wrapping around.
            const x = (p * 97 + frame.index * 4) % (WIDTH - 40);
            const y = 20 + ((p * 53) % (HEIGHT - 140));
            return { xyxy: [x, y, x + 40, y + 120] as [number, number, number, number], confidence: 0.9, classId: 0 };
          });
          return { detections: Detections.fromRows(rows), frame };
        },
      };
    },
    createTracker: (_spec, fps) => new ByteTracker({ frameRate: fps }),
  };
}
