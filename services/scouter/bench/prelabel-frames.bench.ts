// Where pre-labeling reads its frames: Hawk's frame files read straight from disk (the way before
// the contract) against Hawk's API (GET /videos/:id/frames in batches of 64, the next in flight,
// the JPEGs piped into one ffmpeg), interleaved rounds on the same frames so both see the same
// machine load. No detector runs here: this is the reading and decoding alone, the most the API
// could add; CenterNet's 30-55 ms per frame comes on top of both. Prints frames/s of each and
// their ratio.
import { decodeImageSequence, decodeJpegStream } from '@sightline/media';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bearer, startHawk, testSchema } from '../../hawk/src/testing/hawk-fixture.ts';
import { fetchHawkFrames } from '../src/clients/hawk-frames.client.ts';
import { makePeopleClip } from '../test-support/clip-fixture.ts';

const SECONDS = Number(process.env.SCOUTER_BENCH_SECONDS ?? 30);
const ROUNDS = 3;
const hawk = await startHawk();
try {
  await hawk.app.listen({ host: '127.0.0.1', port: 0 });
  const hawkUrl = `http://127.0.0.1:${(hawk.app.server.address() as AddressInfo).port}`;
  const project = await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'bench', labelSchema: testSchema } });
  const clip = makePeopleClip(SECONDS);
  const video = await hawk.upload(project.json().id, clip.path);
  const count = video.frameCount;
  const pattern = join(hawk.mediaDir, 'videos', String(video.id), 'frames', '%06d.jpg');
  const drain = async (frames: AsyncIterable<{ data: Uint8Array }>) => {
    const started = performance.now();
    let n = 0;
    for await (const f of frames) n += f.data.length > 0 ? 1 : 0;
    if (n !== count) throw new Error(`decoded ${n} of ${count} frames`);
    return performance.now() - started;
  };
  const files: number[] = [];
  const api: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    files.push(await drain(decodeImageSequence(pattern, { start: 1, count })));
    api.push(await drain(decodeJpegStream(fetchHawkFrames({ hawkUrl, token: hawk.adminToken, videoId: video.id }, 0, count), { count })));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fps = (ms: number) => (count / ms) * 1000;
  console.log(`Pre-labeling frame source: ${clip.source === 'pets09' ? 'PETS09 S2.L1' : 'samples.jpg clip (evaluation data absent)'}, ${count} frames of ${video.width}x${video.height}, median of ${ROUNDS} interleaved rounds`);
  console.log(`frame files from disk:   ${fps(median(files)).toFixed(0)} frames/s (${median(files).toFixed(0)} ms)`);
  console.log(`Hawk's frames API:       ${fps(median(api)).toFixed(0)} frames/s (${median(api).toFixed(0)} ms)`);
  console.log(`ratio API/files:         ${(median(api) / median(files)).toFixed(2)}x time; per frame +${((median(api) - median(files)) / count).toFixed(2)} ms against CenterNet's 30-55 ms`);
} finally {
  await hawk.close();
}
