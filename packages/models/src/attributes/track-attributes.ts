// Face attributes per track: for each tracked person box, estimate age/gender from the face when
// the track still needs evidence, fold it into the track's running mean, and attach the smoothed
// value to every box of the track.
import type { Frame } from '@sightline/native';
import type { Detections } from '@sightline/vision';
import { AttributeSmoother, type TrackAttributes } from './attribute-smoother.ts';
import type { FaceAttributeEstimator } from './face-attributes.ts';

export interface TrackAttributeOptions {
  /** Stop looking at a track's face after this many observations (default 15). */
  maxObservations?: number;
  /** Look again at most every N frames per track once it has an observation (default 5). */
  everyFrames?: number;
  /** Drop a track's attributes after this many frames without an observation (default 900). */
  forgetAfterFrames?: number;
}

export class TrackFaceAttributes {
  private readonly smoother: AttributeSmoother;
  private readonly lastLook = new Map<number, number>();

  constructor(private readonly estimator: FaceAttributeEstimator, private readonly options: TrackAttributeOptions = {}) {
    this.smoother = new AttributeSmoother(options.forgetAfterFrames ?? 900);
  }

  /**
   * Updates the tracks seen in `frame` and returns the boxes with `data["attr:face"]`
   * (a {@link TrackAttributes}, or null while the track has no face observation).
   * @example const withFaces = await faces.update(frameNumber, frame, tracker.update(detections));
   */
  async update(frameNumber: number, frame: Frame, tracked: Detections): Promise<Detections> {
    const maxObs = this.options.maxObservations ?? 15;
    const every = this.options.everyFrames ?? 5;
    const look: number[] = [];
    for (let i = 0; i < tracked.length; i++) {
      const id = tracked.trackerId[i]!;
      if (id < 0) continue;
      const known = this.smoother.get(id);
      const last = this.lastLook.get(id);
      if ((known?.observations ?? 0) < maxObs && (last === undefined || frameNumber - last >= every)) look.push(i);
    }
    if (look.length > 0) {
      const faces = await this.estimator.estimate(frame, tracked.select(look));
      look.forEach((i, k) => {
        const id = tracked.trackerId[i]!;
        this.lastLook.set(id, frameNumber);
        const face = faces[k];
        if (face) this.smoother.observe(id, frameNumber, face, face.faceScore);
      });
    }
    const values: (TrackAttributes | null)[] = Array.from(tracked.trackerId, (id) => (id >= 0 ? (this.smoother.get(id) ?? null) : null));
    return tracked.withData('attr:face', values);
  }
}
