// Kanohi as its end-to-end tests start it, and the floor most of them set up: a real Kanohi on a
// fresh test database, signed in for every inject, listening for Scouter's batches; a 20 x 10 m
// floor seen straight down by one 2000 x 1000 camera (1 pixel = 1 cm), calibrated from five marks.
import assert from 'node:assert/strict';
import { injectAs, signIn } from '@sightline/auth/testing';
import type { Role } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { Xy } from '@sightline/vision';
import { buildApp, type KanohiApp } from '../app.ts';
import { loadKanohiConfig, type KanohiConfig } from '../config.ts';
import { insertCamera } from './scouter-rows.ts';

export interface KanohiFixture {
  readonly db: TestDatabase;
  readonly app: KanohiApp;
  close(): Promise<void>;
}

/**
 * Kanohi signed in as `role` for every inject, its bus listener ready; `listen` also serves it on a
 * free loopback port (socket.io tests).
 * @example const { db, app, close } = await startKanohi({ stationaryMs: 3000 }); after(close);
 */
export async function startKanohi(overrides: Partial<KanohiConfig> = {}, role: Role = 'operator', options: { listen?: boolean } = {}): Promise<KanohiFixture> {
  const db = await createTestDatabase();
  const app = await buildApp({ config: loadKanohiConfig({}, { logLevel: 'silent', ...overrides }), pool: db.pool });
  injectAs(app, await signIn(db.pool, role));
  if (options.listen) await app.listen({ host: '127.0.0.1', port: 0 });
  await app.kanohi.busReady;
  return {
    db,
    app,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** A person standing at floor point `xy` (metres) as the overhead camera boxes them, in its pixels. */
export const overheadBox = ([x, y]: Xy): [number, number, number, number] => [x * 100 - 20, y * 100 - 150, x * 100 + 20, y * 100];

/** Creates the 20 x 10 m floor and its calibrated overhead camera; returns their ids. */
export async function overheadFloor(fixture: KanohiFixture, floorName: string, cameraName: string): Promise<{ floorId: number; cameraId: number }> {
  const floor = await fixture.app.inject({ method: 'POST', url: '/floors', payload: { name: floorName, widthM: 20, heightM: 10 } });
  assert.equal(floor.statusCode, 201, floor.body);
  const cameraId = await insertCamera(fixture.db.pool, cameraName, [2000, 1000], 10);
  const marks: Xy[] = [[1, 1], [19, 1], [19, 9], [1, 9], [10, 5]];
  const saved = await fixture.app.inject({ method: 'POST', url: `/cameras/${cameraId}/calibrations`, payload: { floorId: floor.json().id, points: marks.map((m) => ({ imageXy: [m[0] * 100, m[1] * 100], floorXy: m })) } });
  assert.equal(saved.statusCode, 201, saved.body);
  return { floorId: floor.json().id, cameraId };
}

/** Waits until Kanohi has projected at least `count` observations onto floors. */
export async function waitForFloorPoints(fixture: KanohiFixture, count: number): Promise<void> {
  for (let i = 0; ; i++) {
    await fixture.app.kanohi.ingest.idle();
    if ((await fixture.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM floor_points')).rows[0]!.n >= count) return;
    assert.ok(i < 500, `every observation is projected (${count} expected)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
