import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HawkPrelabelEvent, HawkPrelabelJob } from '@sightline/contracts';
import { JobEventOrder } from './prelabel.service.ts';

const job = (id: number, status: HawkPrelabelJob['status'], framesDone = 0): HawkPrelabelJob => ({
  id, videoId: 1, setId: 1, frameFrom: 0, frameTo: 29, model: 'centernet', classes: [], scoreThreshold: 0.3, track: true, replace: false,
  status, framesDone, error: null, worker: null, appliedVersion: null, boxes: null, tracks: null, replaced: null, createdAt: '2026-12-07T00:00:00Z',
});
const event = (phase: HawkPrelabelEvent['phase'], j: HawkPrelabelJob): HawkPrelabelEvent => ({ phase, job: j });

test('JobEventOrder: a progress read that lands after the job ended is not told, nor a second end; other jobs go on', () => {
  const order = new JobEventOrder();
  assert.equal(order.admit(event('progress', job(1, 'running', 10))), true);
  assert.equal(order.admit(event('done', job(1, 'applied', 30))), true);
  assert.equal(order.admit(event('progress', job(1, 'running', 20))), false, 'a read started while it ran');
  assert.equal(order.admit(event('done', job(1, 'applied', 30))), false, 'the end is told once');
  assert.equal(order.admit(event('progress', job(2, 'running', 5))), true);
  assert.equal(order.admit(event('failed', job(2, 'failed', 5))), true);
});

test('JobEventOrder remembers only the latest ended jobs', () => {
  const order = new JobEventOrder(2);
  for (const id of [1, 2, 3]) order.admit(event('done', job(id, 'applied')));
  assert.equal(order.admit(event('progress', job(1, 'running'))), true, 'the oldest was forgotten');
  assert.equal(order.admit(event('progress', job(3, 'running'))), false);
});
