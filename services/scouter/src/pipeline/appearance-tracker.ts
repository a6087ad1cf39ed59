// ByteTrack with the appearance cue, per camera: the detector's pass adds one embedding per box
// (the `embedding` column, pooled from its own feature map in the inference thread); here each
// frame's embeddings are centred with this camera's running mean before they reach the tracker
// (raw, every person looks alike to the detector's map: packages/vision EmbeddingCentering), and
// the column is dropped from what the tracker returns, so sinks and events never carry it.
import { APPEARANCE_DEFAULTS, ByteTracker, EmbeddingCentering, type Affine, type ByteTrackOptions, type Detections } from '@sightline/vision';
import type { Tracker } from './stages.ts';

export class AppearanceTracker implements Tracker {
  private readonly tracker: ByteTracker;
  private readonly centering = new EmbeddingCentering(APPEARANCE_DEFAULTS.centeringRate);

  /** `options`: ByteTrack's, without `appearance` (the cue's defaults are set here). */
  constructor(options: Omit<ByteTrackOptions, 'appearance'>) {
    const { key, threshold, proximity } = APPEARANCE_DEFAULTS;
    this.tracker = new ByteTracker({ ...options, appearance: { key, threshold, proximity } });
  }

  /** Embeddings seen so far on this camera (the running mean's sample). */
  get embeddingsSeen(): number {
    return this.centering.count;
  }

  update(detections: Detections): Detections {
    const { key } = APPEARANCE_DEFAULTS;
    return this.tracker.update(this.centering.centerColumn(detections, key)).withoutData(key);
  }

  compensate(m: Affine): void {
    this.tracker.compensate(m);
  }
}
