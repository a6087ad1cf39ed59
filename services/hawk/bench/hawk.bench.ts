// Hawk benchmark: frame extraction speed (x real time) on a generated 720p video, annotation save
// latency with 50 concurrent annotators on loopback, and next-frame latency in headless Chromium
// with prefetch beside a cold frame load. HAWK_BENCH_SECONDS sets the video length (default 60;
// the figure is for 600).
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bearer, makeTestVideo, startHawk, testSchema } from '../src/testing/hawk-fixture.ts';
import { launchBrowser } from '../../../test/support/browser.ts';
import { startWebServer } from '../../../test/support/web-server.ts';
import { reserveWebOrigin } from '../../../test/support/web-login.ts';

const seconds = Number(process.env.HAWK_BENCH_SECONDS ?? 60);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

const webOrigin = await reserveWebOrigin();
const hawk = await startHawk({ maxUploadBytes: 8 * 1024 ** 3, webOrigins: webOrigin.origin });
try {
  const app = hawk.app;
  const project = (await app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'bench', labelSchema: testSchema } })).json();
  let t = performance.now();
  const file = makeTestVideo(join(hawk.mediaDir, 'bench.mp4'), { seconds, width: 1280, height: 720, fps: 30 });
  console.log(`generated ${seconds} s of 1280x720 30 fps H.264 in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const video = await hawk.upload(project.id, file, { chunkBytes: 8 * 1024 * 1024 });
  const took = (performance.now() - t) / 1000;
  console.log(`upload + probe + extraction of ${video.frameCount} JPEG frames: ${took.toFixed(1)} s = ${(seconds / took).toFixed(2)}x real time`);

  // 50 annotators, each saving 10 times to their own replica at once.
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const users = await Promise.all(Array.from({ length: 50 }, (_, i) => hawk.user(`a${i}`, 'annotator')));
  await hawk.addMembers(video.projectId, users.map((u) => u.id));
  const assignment = (await app.inject({ method: 'POST', url: `/videos/${video.id}/assignments`, headers: bearer(hawk.adminToken), payload: { frameFrom: 0, frameTo: 99, annotatorIds: users.map((u) => u.id) } })).json();
  const saves: number[] = [];
  t = performance.now();
  await Promise.all(
    users.map(async (u) => {
      const set = assignment.replicas.find((r: { annotatorId: number }) => r.annotatorId === u.id).id;
      for (let v = 0; v < 10; v++) {
        const body = { baseVersion: v, frames: { [String(v)]: Array.from({ length: 5 }, (_, k) => ({ id: `b${k}`, label: 'person', xyxy: [k * 50, 10, k * 50 + 40, 90], attributes: {} })) } };
        const s = performance.now();
        const res = await fetch(`${base}/sets/${set}/annotations`, { method: 'PATCH', headers: { ...u.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`save failed: ${res.status} ${await res.text()}`);
        saves.push(performance.now() - s);
      }
    }),
  );
  console.log(`annotation saves, 50 concurrent annotators x 10 saves of 5 boxes: p50 ${ms(pct(saves, 50))}, p95 ${ms(pct(saves, 95))}, ${(saves.length / ((performance.now() - t) / 1000)).toFixed(0)} saves/s`);

  // Browser: step through frames at an annotator's pace (one key press per 100 ms) with prefetch.
  const web = await startWebServer({ hawkUrl: base, scouterUrl: 'http://127.0.0.1:9', kanohiUrl: 'http://127.0.0.1:9' }, webOrigin.port);
  const chromium = await launchBrowser();
  try {
    const page = await chromium.browser.newPage();
    await page.goto(`${web.url}/hawk`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('admin-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('hawk-user').waitFor();
    const main = (await app.inject({ method: 'GET', url: `/videos/${video.id}/sets`, headers: bearer(hawk.adminToken) })).json().find((s: { kind: string }) => s.kind === 'main');
    await page.goto(`${web.url}/hawk/sets/${main.id}`);
    await page.locator('[data-testid="hawk-canvas"][data-frame-shown="0"]').waitFor();
    // Steps through frames from `start`, one key press per `pauseMs`; latency = key press -> canvas drawn.
    const stepFrom = async (start: number, steps: number, pauseMs: number): Promise<number[]> => {
      if (start > 0) {
        await page.getByTestId('hawk-scrubber').fill(String(start));
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.locator(`[data-testid="hawk-canvas"][data-frame-shown="${start}"]`).waitFor();
      }
      const out: number[] = [];
      for (let f = start + 1; f <= start + steps; f++) {
        await page.waitForTimeout(pauseMs);
        const t0 = await page.evaluate(() => performance.now());
        await page.keyboard.press('d');
        const shownAt = await page.waitForFunction((want) => {
          const s = (window as unknown as { __hawkFrameShown?: { frame: number; at: number } }).__hawkFrameShown;
          return s && s.frame === want ? s.at : false;
        }, f);
        out.push(Number(await shownAt.jsonValue()) - t0);
      }
      return out;
    };
    const steps = Math.min(200, video.frameCount - 1);
    const nav = await stepFrom(0, steps, 100);
    // Holding the key (a press every 30 ms) outruns a prefetch window: batched prefetch vs one request per frame.
    const fast: Record<string, number[]> = { on: [], off: [] };
    const fastSteps = 60;
    // Frames are cached by the browser (immutable), so every measurement gets frames of its own.
    const fastStart = steps + 100;
    const coldStart = fastStart + 4 * (fastSteps + 20) + 50;
    const windowStart = coldStart + 350;
    for (let r = 0; r < 4 && fastStart + (r + 1) * (fastSteps + 20) < video.frameCount; r++) {
      const mode = r % 2 === 0 ? 'off' : 'on';
      await page.evaluate((m) => localStorage.setItem('hawk.batchPrefetch', m), mode);
      fast[mode]!.push(...(await stepFrom(fastStart + r * (fastSteps + 20), fastSteps, 30)));
    }
    await page.evaluate(() => localStorage.removeItem('hawk.batchPrefetch'));
    // Cold: fetch + decode of frames the page never asked for (what navigation costs without prefetch).
    const cold = await page.evaluate(
      async ({ url, videoId, from, n }) => {
        const token = JSON.parse(sessionStorage.getItem('hawk.session')!).token;
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const s = performance.now();
          const res = await fetch(`${url}/videos/${videoId}/frames/${from + i * 3}`, { headers: { authorization: `Bearer ${token}` } });
          await createImageBitmap(await res.blob());
          out.push(performance.now() - s);
        }
        return out;
      },
      { url: base, videoId: video.id, from: coldStart, n: Math.max(0, Math.min(100, Math.floor((video.frameCount - coldStart) / 3))) },
    );
    // Prefetch window of 12 frames: 12 parallel single-frame requests (what the page does) beside
    // one GET /videos/:id/frames?from&count=12 sliced into 12 JPEGs; alternating, on frames never fetched.
    const windows = await page.evaluate(
      async ({ url, videoId, from, rounds }) => {
        const token = JSON.parse(sessionStorage.getItem('hawk.session')!).token;
        const headers = { authorization: `Bearer ${token}` };
        const single: number[] = [];
        const batch: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const a = from + r * 24;
          let s = performance.now();
          await Promise.all(Array.from({ length: 12 }, async (_, i) => createImageBitmap(await (await fetch(`${url}/videos/${videoId}/frames/${a + i}`, { headers })).blob())));
          single.push(performance.now() - s);
          s = performance.now();
          const res = await fetch(`${url}/videos/${videoId}/frames?from=${a + 12}&count=12`, { headers });
          const body = await res.blob();
          let offset = 0;
          const parts = res.headers.get('x-frame-lengths')!.split(',').map((n) => {
            const part = body.slice(offset, offset + Number(n), 'image/jpeg');
            offset += Number(n);
            return part;
          });
          await Promise.all(parts.map((p) => createImageBitmap(p)));
          batch.push(performance.now() - s);
        }
        return { single, batch };
      },
      { url: base, videoId: video.id, from: windowStart, rounds: Math.max(0, Math.min(40, Math.floor((video.frameCount - windowStart) / 24))) },
    );
    if (windows.single.length) {
      console.log(`prefetch window of 12 cold frames (fetch + decode all), ${windows.single.length} rounds: 12 single requests p50 ${ms(pct(windows.single, 50))}, p95 ${ms(pct(windows.single, 95))}; one batch request p50 ${ms(pct(windows.batch, 50))}, p95 ${ms(pct(windows.batch, 95))} (batch/single p50 ${(pct(windows.batch, 50) / pct(windows.single, 50)).toFixed(2)}x)`);
    }
    if (fast.on!.length && fast.off!.length) {
      console.log(`next frame shown, key held (a press every 30 ms), ${fast.on!.length} steps each: batched prefetch p50 ${ms(pct(fast.on!, 50))}, p95 ${ms(pct(fast.on!, 95))}; per-frame prefetch p50 ${ms(pct(fast.off!, 50))}, p95 ${ms(pct(fast.off!, 95))}`);
    }
    console.log(`next frame shown (key press -> canvas drawn), prefetch on, ${nav.length} steps: p50 ${ms(pct(nav, 50))}, p95 ${ms(pct(nav, 95))} (goal p95 < 50 ms)`);
    if (cold.length) console.log(`cold frame fetch + decode, no prefetch, ${cold.length} frames: p50 ${ms(pct(cold, 50))}, p95 ${ms(pct(cold, 95))}; prefetch p95 is ${(pct(cold, 95) / pct(nav, 95)).toFixed(2)}x lower`);
  } finally {
    await chromium.close();
    await web.close();
  }
} finally {
  await hawk.close();
}
