// ByteTrack with the appearance cue, one per camera or sequence: each frame's detections carry one
// embedding per box (the `embedding` column, pooled from the detector's own feature map); here
// they are centred with this tracker's running mean before association (raw, every person looks
// alike to the detector's map: EmbeddingCentering), and the column is dropped from what the
// tracker returns, so results, sinks and events never carry it. Scouter's cameras and
// `sightline track --appearance` both track through it.
import type { Detections } from '../detections.ts';
import type { Affine } from '../motion/affine.ts';
import { APPEARANCE_DEFAULTS, EmbeddingCentering } from './appearance-cue.ts';
import { ByteTracker, type ByteTrackOptions, type EarlierBox } from './byte-tracker.ts';
import type { Tracker } from './tracker.ts';

export class AppearanceTracker implements Tracker {
  private readonly tracker: ByteTracker;
  private centering = new EmbeddingCentering(APPEARANCE_DEFAULTS.centeringRate);

  /** `options`: ByteTrack's, without `appearance` (the cue's defaults are set here). */
  constructor(options: Omit<ByteTrackOptions, 'appearance'>) {
    const { key, threshold, proximity } = APPEARANCE_DEFAULTS;
    this.tracker = new ByteTracker({ ...options, appearance: { key, threshold, proximity } });
  }

  /** Embeddings seen so far (the running mean's sample). */
  get embeddingsSeen(): number {
    return this.centering.count;
  }

  update(detections: Detections, elapsed = 1): Detections {
    const { key } = APPEARANCE_DEFAULTS;
    return this.tracker.update(this.centering.centerColumn(detections, key), elapsed).withoutData(key);
  }

  compensate(m: Affine): void {
    this.tracker.compensate(m);
  }

  /** ByteTrack's withheld first matches of tracks confirmed by the last update (see ByteTracker). */
  confirmedEarlier(): readonly EarlierBox[] {
    return this.tracker.confirmedEarlier();
  }

  reset(): void {
    this.tracker.reset();
    this.centering = new EmbeddingCentering(APPEARANCE_DEFAULTS.centeringRate);
  }
}
