// Kanohi's people counts against the PETS 2009 S2.L1 dev ground truth, for the Kanohi + Scouter
// browser test: the dev stretch cut as the people benchmark cuts it, a clip's frame count, and the
// comparison of GET /floors/:id/people with the truth of the frames Scouter processed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { PeopleResponse } from '@sightline/contracts';
import { ffmpegPath, ffprobePath, passthroughFrames } from '@sightline/media';
import { PolygonZone, type Xy as FloorXy } from '@sightline/vision';
import type { KanohiApp } from '../../services/kanohi/src/app.ts';
import { countEntries, peoplePresentPerSecond, type PersonSample } from '../../services/kanohi/src/services/floor-people.ts';
import { petsVideo } from '../../services/scouter/test-support/clip-fixture.ts';
import { firstPerSecond, type Pets09Box } from './pets09-dev.ts';

/** PETS09 frames 1-400 (the dev stretch) near-lossless, as bench/people.bench.ts cuts them. */
export function cutDevStretch(dir: string): string {
  const out = join(dir, 'pets09-dev-stretch.mp4');
  const run = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-i', petsVideo, '-an', ...passthroughFrames(), '-frames:v', '400', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '10', '-pix_fmt', 'yuv420p', out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffmpeg could not cut the dev stretch: ${run.stderr}`);
  return out;
}

/** How many frames one pass of the clip has (ffprobe counts them). */
export function framesOf(clipPath: string): number {
  const run = spawnSync(ffprobePath(), ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', clipPath], { encoding: 'utf8' });
  const n = Number(run.stdout.trim());
  if (run.status !== 0 || !(n > 0)) throw new Error(`ffprobe could not count the clip's frames: ${run.stderr}`);
  return n;
}

/**
 * Kanohi's people counts over one whole loop of the PETS09 clip against the dev ground truth of the
 * frames Scouter processed in it (frame index mod the clip's length + 1, decoded at `atMs`): people
 * present per whole second (mean absolute error) and entries into the four quadrant zones.
 */
export async function peopleAgainstTruth(kanohi: KanohiApp, floorId: number, truth: readonly Pets09Box[], loop: readonly { frameIndex: number; atMs: number }[], framesPerLoop: number, quadrants: FloorXy[][], wholeClip = false) {
  // Whole seconds inside the loop (a live loop's neighbours share its first and last second), or the whole clip.
  const from = (wholeClip ? Math.floor : Math.ceil)(loop[0]!.atMs / 1000) * 1000;
  const to = (wholeClip ? Math.ceil : Math.floor)((loop.at(-1)!.atMs + 1) / 1000) * 1000;
  const byFrame = new Map<number, Pets09Box[]>();
  for (const b of truth) byFrame.set(b.frame, [...(byFrame.get(b.frame) ?? []), b]);
  const trueSamples: PersonSample[] = loop
    .filter((e) => e.atMs >= from && e.atMs < to)
    .flatMap((e) => (byFrame.get((e.frameIndex % framesPerLoop) + 1) ?? []).map((b) => ({ person: b.id, timeMs: e.atMs, xy: b.floorXy })));
  const people = (await kanohi.inject({ method: 'GET', url: `/floors/${floorId}/people?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&bucketSeconds=1` })).json<PeopleResponse>();
  const measured = new Map(people.buckets.map((b) => [Date.parse(b.start), b.meanPresent]));
  const truePresent = peoplePresentPerSecond(trueSamples, from, to);
  const kanohiPresent = truePresent.map((_, i) => measured.get(from + i * 1000) ?? 0);
  const mae = truePresent.reduce((sum, n, i) => sum + Math.abs(n - kanohiPresent[i]!), 0) / truePresent.length;
  const trueEntries = quadrants.reduce((sum, q) => sum + countEntries(firstPerSecond(trueSamples), (xy) => new PolygonZone(q).contains(xy as FloorXy)).entries, 0);
  const entries = people.zones.reduce((sum, z) => sum + z.entries, 0);
  return { from, to, seconds: truePresent.length, frames: loop.length, mae, trueEntries, entries, truePresent, kanohiPresent, uniqueVisitors: people.uniqueVisitors, trueUnique: new Set(trueSamples.map((s) => s.person)).size };
}
