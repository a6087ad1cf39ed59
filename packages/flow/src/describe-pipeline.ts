import type { PipelineSpec } from './pipeline-spec.ts';

/**
 * One line saying what a pipeline does, for `sightline flow check` and logs.
 * @example describePipeline(spec) // "people: cam1 (video file:///x.mp4, 10 fps, once) -> detect centernet [person] score>=0.3 -> track bytetrack -> postgres, live"
 */
export function describePipeline(spec: PipelineSpec): string {
  const { source, detect } = spec;
  const playback = source.type === 'video' ? (source.loop ? ', looped' : ', once') : '';
  const classes = detect.classes.length > 0 ? detect.classes.join(',') : 'all classes';
  const stages = [
    `${source.name} (${source.type} ${source.uri}, ${source.fps} fps${playback})`,
    `detect ${detect.model} [${classes}] score>=${detect.scoreThreshold}${detectEveryText(detect.every)}`,
    ...(spec.track ? [`track ${spec.track.tracker}${trackNotes(spec.track)}`] : []),
    ...(spec.attributes ? [`attributes ${spec.attributes.heads.join(',')}`] : []),
    spec.sinks.join(', '),
  ];
  return `${spec.name}: ${stages.join(' -> ')}`;
}

function detectEveryText(every: number | 'auto' | undefined): string {
  if (every === undefined || every === 'auto') return '';
  return every === 1 ? ' every frame' : ` every ${every} frames`;
}

/** The tracker's defaults turned off, in words (nothing when both are on). */
function trackNotes(track: NonNullable<PipelineSpec['track']>): string {
  const off = [...(track.motion === 'off' ? ['camera motion off'] : []), ...(track.appearance === 'off' ? ['appearance off'] : [])];
  return off.length ? ` (${off.join(', ')})` : '';
}
