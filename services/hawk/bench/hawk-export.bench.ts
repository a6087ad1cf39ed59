// Hawk export with images: live memory held while a COCO ZIP with every frame's JPEG streams out, beside
// building the same ZIP in memory (what a non-streamed export would hold). HAWK_EXPORT_BENCH_SECONDS
// sets the video length (default 30 s of 1280x720 at 30 fps).
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { frameFileName } from '@sightline/media';
import { buffer } from 'node:stream/consumers';
import { zipStream, type ZipEntry } from '../src/lib/zip-stream.ts';
import { bearer, makeTestVideo, startHawk, testSchema } from '../src/testing/hawk-fixture.ts';

const seconds = Number(process.env.HAWK_EXPORT_BENCH_SECONDS ?? 30);
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

// Live memory: V8 heap in use plus Buffers, after a full GC (so garbage waiting for collection does
// not count). Needs --expose-gc, which this file re-runs itself with.
if (!globalThis.gc) {
  const { spawnSync } = await import('node:child_process');
  process.exit(spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...process.argv.slice(1)], { stdio: 'inherit' }).status ?? 1);
}
const live = () => {
  globalThis.gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Runs `work` while sampling live memory every 500 ms (each sample is a full GC, which slows the work: times are not the point here); returns the peak growth over the start. */
async function peakGrowth(work: () => Promise<void>): Promise<number> {
  const start = live();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, live())), 500);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, live()) - start;
}

const hawk = await startHawk({ maxUploadBytes: 8 * 1024 ** 3 });
try {
  const { app } = hawk;
  const admin = bearer(hawk.adminToken);
  const project = (await app.inject({ method: 'POST', url: '/projects', headers: admin, payload: { name: 'export', labelSchema: testSchema } })).json();
  const video = await hawk.upload(project.id, makeTestVideo(join(hawk.mediaDir, 'export.mp4'), { seconds, width: 1280, height: 720, fps: 30 }), { chunkBytes: 8 * 1024 * 1024 });
  const main = (await app.inject({ method: 'GET', url: `/videos/${video.id}/sets`, headers: admin })).json().find((s: { kind: string }) => s.kind === 'main');
  const frames: Record<string, unknown[]> = {};
  for (let f = 0; f < video.frameCount; f++) frames[String(f)] = [{ id: `b${f}`, label: 'person', xyxy: [100, 100, 300, 500], attributes: {} }];
  await app.inject({ method: 'PATCH', url: `/sets/${main.id}/annotations`, headers: admin, payload: { baseVersion: 0, frames } });
  await app.inject({ method: 'POST', url: `/sets/${main.id}/reviews`, headers: admin, payload: { frameFrom: 0, frameTo: video.frameCount - 1, decision: 'approved', comment: '' } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  // Streamed over HTTP; the client counts bytes and drops them.
  let zipBytes = 0;
  let t = performance.now();
  const streamed = await peakGrowth(async () => {
    // node:http rather than fetch: a forced GC may collect fetch's Response mid-body and stall it.
    await new Promise<void>((resolve, reject) => {
      get(`${base}/videos/${video.id}/export?format=coco&images=true`, { headers: admin }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`export: ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => (zipBytes += chunk.length));
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
  });
  const streamedS = (performance.now() - t) / 1000;

  // The same entries built into one Buffer first.
  t = performance.now();
  const dir = hawk.app.hawk.videos.framesDir(video.id);
  let builtBytes = 0;
  const inMemory = await peakGrowth(async () => {
    const entries: ZipEntry[] = [{ name: 'annotations.json', data: '{}' }];
    for (let f = 0; f < video.frameCount; f++) entries.push({ name: `images/${frameFileName(f)}`, data: await readFile(join(dir, frameFileName(f))) });
    builtBytes = (await buffer(zipStream(entries))).length;
  });
  const inMemoryS = (performance.now() - t) / 1000;
  console.log(`COCO + images of ${video.frameCount} frames (1280x720): ZIP ${mb(zipBytes)} streamed (${streamedS.toFixed(1)} s), live memory grew ${mb(streamed)} (${((streamed / zipBytes) * 100).toFixed(0)}% of the ZIP)`);
  console.log(`same entries built in memory (${mb(builtBytes)}, ${inMemoryS.toFixed(1)} s): live memory grew ${mb(inMemory)} (${((inMemory / builtBytes) * 100).toFixed(0)}% of the ZIP); streamed / in memory = ${(streamed / inMemory).toFixed(2)}x`);
} finally {
  await hawk.close();
}
