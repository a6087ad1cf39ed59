// The training page in headless Chromium against a real Scouter: a config typed into the page
// queues a job on an approved Hawk project (three frames cut from samples.jpg by ffmpeg, boxes
// labelled in the database), the loss curve grows epoch by epoch over socket.io while the
// service's training worker runs it, the confusion matrix appears, and Deploy deploys the head.
import { signIn, type SignedIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { ffmpegPath, frameFileName } from '@sightline/media';
import { buildApp as buildScouter } from '@sightline/scouter';
import type { ServiceApp } from '@sightline/server-kit';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { samplesJpg } from '../services/scouter/test-support/clip-fixture.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';
import { startWebServer } from './support/web-server.ts';

let db: TestDatabase;
let scouter: ServiceApp;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let operator: SignedIn;
const dir = mkdtempSync(join(tmpdir(), 'sightline-training-page-'));

before(async () => {
  db = await createTestDatabase();
  const q = (sql: string, params: unknown[]) => db.pool.query(sql, params).then((r) => r.rows[0] as { id: number });
  const user = await q(`INSERT INTO auth_users (username, password_hash, role) VALUES ('r', 'x', 'reviewer') RETURNING id`, []);
  const schema = { classes: [{ name: 'person', attributes: [{ name: 'upper_colour', type: 'select', options: ['dark', 'light'], default: 'dark' }] }] };
  const project = await q('INSERT INTO hawk_projects (name, label_schema, created_by) VALUES ($1, $2, $3) RETURNING id', ['desk', JSON.stringify(schema), user.id]);
  const video = await q(`INSERT INTO hawk_videos (project_id, file_name, status, size_bytes, frame_count, width, height, fps, created_by) VALUES ($1, 'v.mp4', 'ready', 1, 3, 640, 300, 10, $2) RETURNING id`, [project.id, user.id]);
  const frames = join(dir, 'hawk', 'videos', String(video.id), 'frames');
  mkdirSync(frames, { recursive: true });
  for (let f = 0; f < 3; f++) {
    // The row of person thumbnails at the top of samples.jpg, shifted a little per frame.
    const cut = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-i', samplesJpg, '-vf', `crop=640:300:${f * 20}:0`, join(frames, frameFileName(f))], { encoding: 'utf8' });
    assert.equal(cut.status, 0, cut.stderr);
  }
  const set = await q(`INSERT INTO hawk_annotation_sets (video_id, kind) VALUES ($1, 'main') RETURNING id`, [video.id]);
  for (let f = 0; f < 3; f++) {
    const boxes = [0, 1, 2, 3].map((i) => ({ id: `b${i}`, label: 'person', xyxy: [i * 150 + 10, 20, i * 150 + 130, 280], attributes: { upper_colour: i % 2 ? 'light' : 'dark' } }));
    await q('INSERT INTO hawk_frame_boxes (set_id, frame_index, boxes) VALUES ($1, $2, $3) RETURNING set_id AS id', [set.id, f, JSON.stringify(boxes)]);
  }
  await q(`INSERT INTO hawk_reviews (set_id, frame_from, frame_to, decision, reviewer_id) VALUES ($1, 0, 2, 'approved', $2) RETURNING id`, [set.id, user.id]);
  const webOrigin = await reserveWebOrigin();
  operator = await signIn(db.pool, 'operator');
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', hawkMediaDir: join(dir, 'hawk'), webOrigins: webOrigin.origin }), pool: db.pool });
  await scouter.listen({ host: '127.0.0.1', port: 0 });
  const scouterUrl = `http://127.0.0.1:${(scouter.server.address() as AddressInfo).port}`;
  web = await startWebServer({ hawkUrl: scouterUrl, scouterUrl, kanohiUrl: scouterUrl }, webOrigin.port);
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await web?.close();
  await scouter?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('a job started from the training page shows live curves and its head deploys from the page', async () => {
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/training`, operator);
  const config = { project: 'desk', attributes: ['upper_colour'], head: 'mlp', hidden: 8, epochs: 60, batchSize: 2, lr: 0.001, validation: { by: 'track', fraction: 0.3 } };
  // A bad value is refused, and the page shows the key.
  await page.locator('textarea[name="config"]').fill(JSON.stringify({ ...config, epochs: 0 }));
  await page.getByRole('button', { name: 'Queue jobs' }).click();
  await page.getByRole('alert').filter({ hasText: 'epochs:' }).waitFor({ timeout: 15_000 });

  // Split by track: boxes outside tracks are their own group.
  await page.locator('textarea[name="config"]').fill(JSON.stringify(config));
  // Every redraw of the loss curve is recorded, so the test sees it grow rather than only its end.
  await page.evaluate(() => {
    const seen: number[] = ((window as unknown as { seen: number[] }).seen = []);
    new MutationObserver(() => {
      const n = Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? -1);
      if (n >= 0 && seen[seen.length - 1] !== n) seen.push(n);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-points'] });
  });
  await page.getByRole('button', { name: 'Queue jobs' }).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) >= 60, undefined, { timeout: 120_000 });
  const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
  const partial = seen.filter((n) => n > 0 && n < 60);
  assert.ok(partial.length >= 2, `the curve was redrawn with ${JSON.stringify(seen)} epochs: it should grow while the job runs`);

  await page.getByRole('table', { name: 'confusion matrix' }).waitFor({ timeout: 30_000 });
  const row = page.locator('[data-head="upper_colour@1"]');
  await row.getByRole('button', { name: 'Deploy' }).click();
  await row.filter({ hasText: 'yes' }).waitFor({ timeout: 15_000 });
  const { rows } = await db.pool.query('SELECT name, version FROM scouter_attribute_heads WHERE deployed');
  assert.deepEqual(rows, [{ name: 'upper_colour', version: 1 }]);
});
