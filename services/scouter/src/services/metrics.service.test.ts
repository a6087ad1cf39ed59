// /metrics on prom-client: one registry per app, so two apps in one process keep their own
// counts, and the text keeps the family names dashboards and tests read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScouterMetrics } from './metrics.service.ts';

test('each ScouterMetrics has its own registry: a frame observed by one is not seen by the other', async () => {
  const a = new ScouterMetrics(() => undefined);
  const b = new ScouterMetrics(() => undefined);
  a.observeFrame({ id: 7, name: 'lobby "east"' }, 42);
  a.observeFrame({ id: 7, name: 'lobby "east"' }, 180);
  const textA = await a.text();
  const textB = await b.text();
  assert.match(textA, /^scouter_frame_latency_ms_count\{camera_id="7",camera="lobby \\"east\\""\} 2$/m);
  assert.match(textA, /^scouter_frame_latency_ms_bucket\{le="50",camera_id="7",camera="lobby \\"east\\""\} 1$/m);
  assert.match(textA, /^scouter_frame_latency_ms_sum\{camera_id="7",camera="lobby \\"east\\""\} 222$/m);
  assert.doesNotMatch(textB, /scouter_frame_latency_ms_count/);
});

test('the text names every family, with the process metrics, and no camera without a worker', async () => {
  const metrics = new ScouterMetrics(() => undefined, () => [{ model: 'centernet', backend: 'onnxruntime', choice: 'auto', reason: 'no CUDA device' }]);
  const text = await metrics.text();
  for (const family of [
    'scouter_cameras_running', 'scouter_camera_fps', 'scouter_frames_decoded_total', 'scouter_frames_processed_total', 'scouter_frames_dropped_total',
    'scouter_reconnects_total', 'scouter_observations_written_total', 'scouter_observations_pending', 'scouter_observations_dropped_total',
    'scouter_latency_ms', 'scouter_stage_ms', 'scouter_frame_latency_ms', 'scouter_model_backend', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes',
  ]) assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), family);
  assert.match(text, /^scouter_cameras_running 0$/m);
  assert.match(text, /^scouter_model_backend\{model="centernet",backend="onnxruntime",choice="auto"\} 1$/m);
  assert.doesNotMatch(text, /camera_id=/);
  assert.match(metrics.contentType, /^text\/plain/);
});
