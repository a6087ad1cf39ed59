// Hawk under load on loopback: annotation saves from 50 and 200 concurrent annotators, each saving
// to their own replica with their own base version (closed loop, LOAD_SECONDS each, default 15),
// then socket.io fan-out of `hawk:saved` to 500 connected clients. Printed: held throughput,
// p50/p95/p99 and the error rate.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import { closedLoop, percentile, printLoad } from '../../../test/support/load.ts';
import { bearer, makeTestVideo, startHawk, testSchema } from '../src/testing/hawk-fixture.ts';

const seconds = Number(process.env.LOAD_SECONDS ?? 15);
const hawk = await startHawk();
try {
  const admin = bearer(hawk.adminToken);
  const project = (await hawk.app.inject({ method: 'POST', url: '/projects', headers: admin, payload: { name: 'load', labelSchema: testSchema } })).json();
  const video = await hawk.upload(project.id, makeTestVideo(join(hawk.mediaDir, 'load.mp4'), { seconds: 10, fps: 10 }));
  await hawk.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(hawk.app.server.address() as AddressInfo).port}`;
  const users = [];
  for (let i = 0; i < 200; i++) users.push(await hawk.user(`annotator${i}`, 'annotator', [project.id]));
  // Assignments take at most 50 annotators: four of them give every annotator a replica.
  const replicas: { set: number; headers: Record<string, string>; version: number }[] = [];
  for (let a = 0; a < 4; a++) {
    const group = users.slice(a * 50, a * 50 + 50);
    const assignment = (await hawk.app.inject({ method: 'POST', url: `/videos/${video.id}/assignments`, headers: admin, payload: { frameFrom: 0, frameTo: 99, annotatorIds: group.map((u) => u.id) } })).json();
    for (const u of group) replicas.push({ set: assignment.replicas.find((r: { annotatorId: number }) => r.annotatorId === u.id).id, headers: u.headers, version: 0 });
  }
  const save = async (user: number): Promise<boolean | string> => {
    const r = replicas[user]!;
    const frame = r.version % 100;
    const body = { baseVersion: r.version, frames: { [frame]: Array.from({ length: 5 }, (_, k) => ({ id: `b${k}`, label: 'person', xyxy: [k * 50, 10 + (r.version % 7), k * 50 + 40, 90], attributes: { clothing: 'coat', occluded: false } })) } };
    const res = await fetch(`${base}/sets/${r.set}/annotations`, { method: 'PATCH', headers: { ...r.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) return `${res.status} ${text.slice(0, 120)}`;
    r.version = JSON.parse(text).version;
    return true;
  };
  for (const n of [50, 200]) printLoad(await closedLoop(`annotation saves, ${n} concurrent annotators (5 boxes each, own base version)`, n, seconds, save), 'saves');

  // Fan-out: 500 socket.io clients; one annotator saves 200 times; each save's event must reach all.
  const clients: Socket[] = await Promise.all(
    Array.from({ length: 500 }, () => new Promise<Socket>((resolve, reject) => {
      const s = connect(base, { transports: ['websocket'], reconnection: false, auth: { token: hawk.adminToken } });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    })),
  );
  const sentAt = new Map<number, number>();
  const delays: number[] = [];
  const r = replicas[0]!;
  for (const c of clients) c.on('hawk:saved', (e: { setId: number; version: number }) => {
    const t = sentAt.get(e.version);
    if (e.setId === r.set && t !== undefined) delays.push(performance.now() - t);
  });
  const saves = 200;
  const started = performance.now();
  for (let i = 0; i < saves; i++) {
    sentAt.set(r.version + 1, performance.now());
    const outcome = await save(0);
    if (outcome !== true) throw new Error(`fan-out save failed: ${outcome}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const expected = saves * clients.length;
  const took = (performance.now() - started) / 1000;
  console.log(
    `socket.io fan-out, ${clients.length} clients x ${saves} saves: ${delays.length} of ${expected} events delivered (${(delays.length / took).toFixed(0)}/s held); ` +
      `save -> event p50 ${percentile(delays, 50).toFixed(1)} ms, p95 ${percentile(delays, 95).toFixed(1)} ms, p99 ${percentile(delays, 99).toFixed(1)} ms; ` +
      `lost ${expected - delays.length} (${((100 * (expected - delays.length)) / expected).toFixed(2)}%)`,
  );
  for (const c of clients) c.close();
} finally {
  await hawk.close();
}
