import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { detectorTrackerScores, isDetectorCardPath, MODEL_CARDS } from '@sightline/models';
import { APPEARANCE_DEFAULTS, AppearanceTracker, BYTE_TRACK_DEFAULT_SCORE, ByteTracker, SortTracker, TRACK_GAP_SECONDS, TRACK_SMOOTH_SECONDS, fillTrackGaps, formatMot, groupMotByFrame, motRowsToDetections, parseAppearance, parseCameraMotion, readMotFile, smoothTracks, stitchTracks, TRACK_STITCH_SECONDS, trackedRows, type Tracker } from '@sightline/vision';
import { UsageError, type CliCommand } from '../command.ts';

const calibrated = MODEL_CARDS.filter((c) => c.trackerScores).map((c) => c.id);

const usage = `Usage: sightline track --det <det.txt> --out <res.txt> [--tracker bytetrack|sort] [--fps N] [--model ID|card.json]
                       [--motion <motion.txt>] [--appearance <appearance.txt>] [--interpolate S] [--smooth S] [--stitch S]

  --det      MOTChallenge detections (frame,id,x,y,w,h,score,...; 1-based pixels)
  --out      where to write MOTChallenge results (frame,id,x,y,w,h,score,-1,-1,-1)
  --tracker  bytetrack (default; ByteTrack with SORT's box filter and OC-SORT's re-update; a
             track is confirmed at its 6th consecutive match and then written from its first) or
             sort (the SORT baseline: max_age 1, min_hits 3, IoU 0.3)
  --fps      video frame rate (default 30); ByteTrack keeps lost tracks 30 frames at 30 fps, scaled
  --model    the detector that wrote --det (${calibrated.join(', ')}, or a detector card .json
             with trackerScores): ByteTrack uses its score calibration (the score that starts a track, the score that continues one). Without
             it the thresholds suit Faster R-CNN-like scores (0.8 to start and continue)
  --motion   camera-motion compensation (bytetrack only): the camera motion that
             \`sightline detect --motion\` wrote; before each frame the tracks move with the camera.
             Without it the camera is taken to be still
  --appearance  the appearance cue (bytetrack only): the embeddings that
             \`sightline detect --appearance\` wrote beside --det (one per detection, in --det's
             order). Centred with a running mean in frame order, they join the first association:
             a pair that overlaps (IoU >= ${Number((1 - APPEARANCE_DEFAULTS.proximity).toFixed(2))}) costs at most half its cosine distance when
             that is ${APPEARANCE_DEFAULTS.threshold} or less, so people who cross keep their identities
  --interpolate  fill a track's boxes on the frames between two of its boxes at most S seconds
             apart, on a straight line (default ${TRACK_GAP_SECONDS} for bytetrack, 0 = off and for sort, the
             reference): a person missed for a moment counts as present throughout
  --smooth   average each box's vertical centre, width and height over the track's boxes at most
             S seconds before and after it, never across a gap, keeping its horizontal centre
             (default ${TRACK_SMOOTH_SECONDS} for bytetrack, 0 = off and for sort): the detector's jitter
             leaves the written boxes, so small people's boxes match where they are
  --stitch   join a track that ends to one that starts at most S seconds later under the first
             one's id, when both carried on at their own velocities meet within half a person's
             height, their heights agree and (with --appearance) they look alike; the gap between
             is filled on a straight line (default ${TRACK_STITCH_SECONDS} with --appearance, else 0 = off; sort 0):
             a person hidden inside a group for a second or two keeps one identity

Frames run from 1 to the last frame in --det; frames without detections still advance the tracker.
When every frame with detections lies on one stride N > 1 (as \`sightline detect --every N\` writes),
only those frames are tracked (the tracker told N frames pass between them), and a note says so.`;

/** `sightline track`: runs a tracker over a MOTChallenge detection file. */
export const trackCommand: CliCommand = {
  name: 'track',
  summary: 'Track MOTChallenge detections with ByteTrack or SORT',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { det: { type: 'string' }, out: { type: 'string' }, tracker: { type: 'string', default: 'bytetrack' }, fps: { type: 'string', default: '30' }, model: { type: 'string' }, motion: { type: 'string' }, appearance: { type: 'string' }, interpolate: { type: 'string' }, smooth: { type: 'string' }, stitch: { type: 'string' } },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.det) throw new UsageError('--det <det.txt> is required');
    if (!values.out) throw new UsageError('--out <res.txt> is required');
    const kind = values.tracker;
    if (kind !== 'bytetrack' && kind !== 'sort') throw new UsageError(`--tracker must be bytetrack or sort, got "${kind}"`);
    const fps = Number(values.fps);
    if (!Number.isFinite(fps) || fps <= 0) throw new UsageError(`--fps must be a positive number, got "${values.fps}"`);
    // Post-processing of the written rows: bytetrack's defaults; sort, the reference, writes none.
    const gapSeconds = seconds('--interpolate', values.interpolate, kind === 'sort' ? 0 : TRACK_GAP_SECONDS);
    const smoothSeconds = seconds('--smooth', values.smooth, kind === 'sort' ? 0 : TRACK_SMOOTH_SECONDS);
    // Stitching by default only where the tracks' appearance can confirm a join (see track-stitching.ts).
    const stitchSeconds = seconds('--stitch', values.stitch, kind === 'sort' || values.appearance === undefined ? 0 : TRACK_STITCH_SECONDS);

    const card = values.model === undefined ? undefined : { trackerScores: detectorTrackerScores(values.model) };
    if (values.model !== undefined && !card?.trackerScores) {
      throw new UsageError(isDetectorCardPath(values.model) ? `detector card ${values.model} has no trackerScores ({ "trackThresh": ..., "newTrackThresh": ... }); add them or leave out --model` : `--model must be one of ${calibrated.join(', ')} or a detector card (.json), got "${values.model}"`);
    }
    if (values.motion !== undefined && kind === 'sort') throw new UsageError('--motion needs --tracker bytetrack: SORT is the reference and runs without camera-motion compensation');
    if (values.appearance !== undefined && kind === 'sort') throw new UsageError('--appearance needs --tracker bytetrack: SORT is the reference and runs on boxes alone');
    const motion = values.motion === undefined ? undefined : parseCameraMotion(await readTextFile(values.motion, '--motion'), values.motion);
    const appearance = values.appearance === undefined ? undefined : parseAppearance(await readTextFile(values.appearance, '--appearance'), values.appearance);
    const rows = await readMotFile(values.det);
    const maxScore = rows.reduce((m, r) => Math.max(m, r.conf), 0);
    if (kind === 'bytetrack' && maxScore > 1) {
      console.error(`sightline track: note: ${values.det} has scores up to ${maxScore}; ByteTrack's thresholds (0.8 high, 0.1 low by default) expect scores in 0..1.`);
    }
    const byFrame = groupMotByFrame(rows);
    if (appearance) checkAppearance(appearance, byFrame, values.appearance!, values.det);
    const lastFrame = Math.max(0, ...byFrame.keys());
    // Detections made on every N-th frame: the frames between were never looked at, so they are not
    // empty frames (feeding them as empty would end every track); track the stride instead.
    const { first, step } = frameStride([...byFrame.keys()]);
    if (step > 1) console.error(`sightline track: note: detections are on every ${ordinal(step)} frame from frame ${first}; tracking those frames, ${step} frames apart.`);
    const byteOptions = { frameRate: fps, ...card?.trackerScores };
    if (kind === 'bytetrack' && !card) warnUncalibrated(rows, values.det);
    const tracker: Tracker = kind === 'sort' ? new SortTracker() : appearance ? new AppearanceTracker(byteOptions, { keepTrackAppearance: true }) : new ByteTracker(byteOptions);
    const started = performance.now();
    const start = step > 1 ? first : 1;
    const count = Math.floor((lastFrame - start) / step) + 1;
    const frames = (function* () {
      for (let k = 0; k < count; k++) {
        const frame = start + k * step;
        const detections = motRowsToDetections(byFrame.get(frame) ?? []);
        yield appearance ? detections.withData(APPEARANCE_DEFAULTS.key, appearance.get(frame) ?? []) : detections;
      }
    })();
    const tracked = trackedRows(tracker, frames, (k) => start + k * step, motion && ((k) => motion.get(start + k * step)));
    const trackAppearance = tracker instanceof AppearanceTracker ? tracker.trackAppearance() : undefined;
    const stitched = stitchTracks(tracked, Math.round(stitchSeconds * fps), { step, appearance: trackAppearance });
    const filledRows = fillTrackGaps(stitched.rows, Math.round(gapSeconds * fps), step);
    const smoothRadius = Math.round(smoothSeconds * fps);
    const out = smoothTracks(filledRows, smoothRadius, step);
    const ids = new Set(out.map((r) => r.id));
    const ms = performance.now() - started;
    await writeFile(values.out, formatMot(out));
    const frameCount = step > 1 ? Math.floor((lastFrame - first) / step) + 1 : lastFrame;
    const rate = frameCount > 0 && ms > 0 ? `, ${Math.round((frameCount / ms) * 1000)} frames/s` : '';
    const notes = [
      ...(stitched.joined > 0 ? [`${stitched.joined} joined across gaps of at most ${stitchSeconds} s`] : []),
      ...(filledRows.length > stitched.rows.length ? [`${filledRows.length - stitched.rows.length} filled in gaps of at most ${gapSeconds} s`] : []),
      ...(smoothRadius >= step ? [`boxes smoothed over ${smoothRadius} frame${smoothRadius === 1 ? '' : 's'} each way`] : []),
    ];
    const filled = notes.length ? ` (${notes.join('; ')})` : '';
    console.log(`${kind}: ${frameCount} frames, ${rows.length} detections -> ${ids.size} tracks, ${out.length} rows${filled} written to ${values.out}${rate}`);
    return 0;
  },
};

/**
 * Without --model ByteTrack starts and continues tracks at score 0.8 (Faster R-CNN-like scores);
 * this project's detectors score lower (CenterNet never reaches 0.8 on PETS09), so a user who ran
 * `sightline detect` and then `sightline track` would get almost no tracks without a word.
 */
function warnUncalibrated(rows: readonly { conf: number }[], det: string): void {
  const start = BYTE_TRACK_DEFAULT_SCORE;
  const reaching = rows.filter((r) => r.conf >= start).length;
  if (rows.length === 0 || reaching >= 0.1 * rows.length) return;
  console.error(
    `sightline track: note: only ${reaching} of the ${rows.length} detections in ${det} score ${start} or more, the score that starts and continues a track without --model, so few or no tracks can form; ` +
      `for detections from \`sightline detect\`, pass the detector it ran (--model centernet, its default, or nanodet, or its card) to use that detector's score calibration.`,
  );
}

/** Every frame's embeddings match its detections one for one (the files were written together). */
function checkAppearance(appearance: Map<number, Float32Array[]>, byFrame: Map<number, unknown[]>, file: string, det: string): void {
  for (const frame of new Set([...appearance.keys(), ...byFrame.keys()])) {
    const embeddings = appearance.get(frame)?.length ?? 0;
    const detections = byFrame.get(frame)?.length ?? 0;
    if (embeddings !== detections) throw new UsageError(`${file}: frame ${frame} has ${embeddings} embedding${embeddings === 1 ? '' : 's'}, but ${det} has ${detections} detection${detections === 1 ? '' : 's'} there (give the files \`sightline detect --appearance\` wrote together)`);
  }
}

/** A flag's seconds (0 or more), `fallback` when the flag is absent. */
function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s < 0) throw new UsageError(`${flag} must be a number of seconds, 0 or more, got "${value}"`);
  return s;
}

/** 2nd, 3rd, 5th, 11th, 22nd: for "every Nth frame". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * The stride of the frames that hold detections: the greatest common divisor of their distances
 * from the first one. Fewer than 3 such frames say nothing about a stride (step 1).
 */
export function frameStride(frames: readonly number[]): { first: number; step: number } {
  if (frames.length < 3) return { first: 1, step: 1 };
  const first = Math.min(...frames);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const step = frames.reduce((g, f) => gcd(g, f - first), 0);
  return { first, step: Math.max(step, 1) };
}

async function readTextFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
