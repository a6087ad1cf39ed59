// Cameras sustained in real time at 10 fps each with the default detector (CenterNet, ByteTrack):
// for 1, 2, 3... cameras, end-to-end latency (frame decoded -> scouter:tracks received by a
// socket.io client) p50/p95, processed fps per camera and the fraction of frames dropped.
// Uses PETS09 S2.L1 when the evaluation data is present, else a clip of samples.jpg. Beside it, in
// the same run: the detector alone (CenterNet on the same frames, back to back, same threads), the
// main event loop's delay p99 while cameras run, and the machine's load average.
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { decodeVideoFrames } from '@sightline/media';
import { CenterNetDetector } from '@sightline/models';
import { io as connect } from 'socket.io-client';
import type { ScouterServerEvents } from '@sightline/contracts';
import { createTestDatabase } from '@sightline/db';
import { tmpdir } from 'node:os';
import { injectAs, signIn } from '@sightline/auth/testing';
import { buildScouter } from '../src/app.ts';
import { loadScouterConfig } from '../src/config.ts';
import { makePeopleClip } from '../test-support/clip-fixture.ts';

const SECONDS = Number(process.env.SCOUTER_BENCH_SECONDS ?? 20);
const MAX_CAMERAS = Number(process.env.SCOUTER_BENCH_MAX_CAMERAS ?? 8);
const clip = makePeopleClip(10);
console.log(`Scouter cameras benchmark: ${clip.source === 'pets09' ? 'PETS09 S2.L1' : 'samples.jpg clip (evaluation data absent)'}, 10 fps per camera, ${SECONDS} s per row`);

/** CenterNet alone on the clip's frames, one after another: the ceiling of processed frames per second. */
async function detectorAlone(frames = 40): Promise<{ msPerFrame: number; fps: number }> {
  const detector = await CenterNetDetector.create({ classIds: [0], scoreThreshold: 0.3, threads: 2 });
  const decoded = [];
  for await (const f of decodeVideoFrames(clip.path, { maxFrames: frames })) decoded.push(f);
  await detector.detect(decoded[0]!);
  const t0 = performance.now();
  for (const f of decoded) await detector.detect(f);
  const msPerFrame = (performance.now() - t0) / decoded.length;
  await detector.release();
  return { msPerFrame, fps: 1000 / msPerFrame };
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const alone = await detectorAlone();
console.log(`detector alone: ${alone.msPerFrame.toFixed(1)} ms/frame = ${alone.fps.toFixed(1)} fps (CenterNet at the input shaped to the clip, 2 threads; load average ${load()})`);
console.log('cameras  fps/camera  latency p50  latency p95  dropped  loop delay p99  load avg (1/5/15 min)  sustained');

const db = await createTestDatabase();
for (let n = 1; n <= MAX_CAMERAS; n++) {
  await db.pool.query('DELETE FROM cameras');
  const scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', heartbeatMs: 500, previewFps: 2, mediaRoots: tmpdir() }), pool: db.pool });
  const operator = await signIn(db.pool, 'operator');
  injectAs(scouter.app, operator);
  await scouter.app.listen({ host: '127.0.0.1', port: 0 });
  const socket = connect(`http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`, { auth: { token: operator.token }, transports: ['websocket'] }) as unknown as import('socket.io-client').Socket<ScouterServerEvents>;
  const latencies: number[] = [];
  let measuring = false;
  socket.on('scouter:tracks', (e) => {
    if (measuring) latencies.push(Date.now() - e.decodedAtMs);
  });
  for (let i = 0; i < n; i++) await scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name: `cam${i}`, uri: clip.path, fps: 10, loop: true } });
  // Warm-up: model loaded and every camera running.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (scouter.worker?.running.size ?? 0) < n) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 3000));
  const start = [...scouter.worker!.running.values()].map((c) => c.pipeline.stats());
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  loop.disable();
  const end = [...scouter.worker!.running.values()].map((c) => c.pipeline.stats());
  let decoded = 0;
  let dropped = 0;
  let processed = 0;
  end.forEach((s, i) => {
    decoded += s.framesDecoded - (start[i]?.framesDecoded ?? 0);
    dropped += s.framesDropped - (start[i]?.framesDropped ?? 0);
    processed += s.framesProcessed - (start[i]?.framesProcessed ?? 0);
  });
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const fpsPerCamera = processed / SECONDS / n;
  const dropFraction = decoded > 0 ? dropped / decoded : 0;
  const sustained = fpsPerCamera >= 9.5 && dropFraction <= 0.05;
  const loopP99 = `${(loop.percentile(99) / 1e6).toFixed(0)} ms`;
  const row = `${String(n).padStart(7)}  ${fpsPerCamera.toFixed(1).padStart(10)}  ${`${q(0.5)} ms`.padStart(11)}  ${`${q(0.95)} ms`.padStart(11)}  ${`${(dropFraction * 100).toFixed(1)}%`.padStart(7)}  ${loopP99.padStart(14)}  ${load().padStart(21)}  ${sustained ? 'yes' : 'no'}`;
  console.log(row);
  socket.close();
  await scouter.app.close();
  if (!sustained) break;
}
await db.drop();
const after = await detectorAlone();
console.log(`detector alone again after the rows: ${after.msPerFrame.toFixed(1)} ms/frame = ${after.fps.toFixed(1)} fps (load average ${load()})`);
