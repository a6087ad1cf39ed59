import type { AttributeValue, CameraStats } from '@sightline/contracts';

/**
 * An attribute as shown to people: the value with its confidence ("female, 82%", "31 years, 70%")
 * when the confidence reaches the setting, "unknown" otherwise, so a 2% guess never reads as a verdict.
 */
export function attributeLabel(head: string, v: AttributeValue, minConfidence: number): string {
  if (v.confidence < minConfidence) return 'unknown';
  const value = typeof v.value === 'number' ? (head === 'age' ? `${Math.round(v.value)} years` : String(Math.round(v.value))) : v.value;
  return `${value}, ${Math.round(v.confidence * 100)}%`;
}

/** What each statistic counts, for tooltips. */
export const STAT_HELP = {
  fps: 'Frames per second that went through detection and tracking (recent)',
  latency: 'Time from a frame leaving the decoder to its boxes being published: median / 95th percentile',
  dropped:
    'Decoded frames skipped because the detector was still busy with an earlier frame (the newest frame always wins, so the view stays live); of all frames decoded',
  predicted:
    "Processed frames whose boxes the tracker predicted instead of a detector pass: with every='auto' the frames that waited behind a busy engine (each track's box interpolated between the detected frames around it), with every=N the frames between (each track moved on at its last velocity); of all frames processed",
  reconnects: 'Times the stream was reopened after it ended, failed or stalled',
  people: 'Tracked objects in the latest processed frame',
} as const;

/** "150 of 3900 dropped (3.8%)". */
export function droppedLabel(stats: CameraStats): string {
  const share = stats.framesDecoded > 0 ? ` (${((100 * stats.framesDropped) / stats.framesDecoded).toFixed(1)}%)` : '';
  return `${stats.framesDropped} of ${stats.framesDecoded} dropped${share}`;
}

/** "130 of 1000 predicted (13.0%)": frames whose boxes came from the tracker, not the detector. */
export function predictedLabel(stats: CameraStats): string {
  const share = stats.framesProcessed > 0 ? ` (${((100 * stats.framesPredicted) / stats.framesProcessed).toFixed(1)}%)` : '';
  return `${stats.framesPredicted} of ${stats.framesProcessed} predicted${share}`;
}
