import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ByteTracker, SortTracker, detectionsToMotRows, formatMot, groupMotByFrame, motRowsToDetections, readMotFile, type MotRow, type Tracker } from '@sightline/vision';
import { UsageError, type CliCommand } from '../command.ts';

const usage = `Usage: sightline track --det <det.txt> --out <res.txt> [--tracker bytetrack|sort] [--fps N]

  --det      MOTChallenge detections (frame,id,x,y,w,h,score,...; 1-based pixels)
  --out      where to write MOTChallenge results (frame,id,x,y,w,h,score,-1,-1,-1)
  --tracker  bytetrack (default; SORT's box filter, a track is written from its 3rd consecutive
             match) or sort (the SORT baseline: max_age 1, min_hits 3, IoU 0.3)
  --fps      video frame rate (default 30); ByteTrack keeps lost tracks 30 frames at 30 fps, scaled

Frames run from 1 to the last frame in --det; frames without detections still advance the tracker.`;

/** `sightline track`: runs a tracker over a MOTChallenge detection file. */
export const trackCommand: CliCommand = {
  name: 'track',
  summary: 'Track MOTChallenge detections with ByteTrack or SORT',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { det: { type: 'string' }, out: { type: 'string' }, tracker: { type: 'string', default: 'bytetrack' }, fps: { type: 'string', default: '30' } },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.det) throw new UsageError('--det <det.txt> is required');
    if (!values.out) throw new UsageError('--out <res.txt> is required');
    const kind = values.tracker;
    if (kind !== 'bytetrack' && kind !== 'sort') throw new UsageError(`--tracker must be bytetrack or sort, got "${kind}"`);
    const fps = Number(values.fps);
    if (!Number.isFinite(fps) || fps <= 0) throw new UsageError(`--fps must be a positive number, got "${values.fps}"`);

    const rows = await readMotFile(values.det);
    const maxScore = rows.reduce((m, r) => Math.max(m, r.conf), 0);
    if (kind === 'bytetrack' && maxScore > 1) {
      console.error(`sightline track: note: ${values.det} has scores up to ${maxScore}; ByteTrack's thresholds (0.5 high, 0.1 low) expect scores in 0..1.`);
    }
    const tracker: Tracker = kind === 'sort' ? new SortTracker() : new ByteTracker({ frameRate: fps });
    const byFrame = groupMotByFrame(rows);
    const lastFrame = Math.max(0, ...byFrame.keys());
    const out: MotRow[] = [];
    const ids = new Set<number>();
    const started = performance.now();
    for (let frame = 1; frame <= lastFrame; frame++) {
      const tracked = tracker.update(motRowsToDetections(byFrame.get(frame) ?? []));
      for (const row of detectionsToMotRows(frame, tracked)) {
        out.push(row);
        ids.add(row.id);
      }
    }
    const ms = performance.now() - started;
    await writeFile(values.out, formatMot(out));
    const rate = lastFrame > 0 && ms > 0 ? `, ${Math.round((lastFrame / ms) * 1000)} frames/s` : '';
    console.log(`${kind}: ${lastFrame} frames, ${rows.length} detections -> ${ids.size} tracks, ${out.length} rows written to ${values.out}${rate}`);
    return 0;
  },
};
