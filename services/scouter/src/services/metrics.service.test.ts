// /metrics on prom-client: one registry per app, so two apps in one process keep their own
// counts, and the text keeps the family names dashboards and tests read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScouterMetrics, type CameraMetrics } from './metrics.service.ts';

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
    'scouter_cameras_running', 'scouter_camera_fps', 'scouter_frames_decoded_total', 'scouter_frames_processed_total', 'scouter_frames_dropped_total', 'scouter_frames_predicted_total',
    'scouter_reconnects_total', 'scouter_observations_written_total', 'scouter_observations_pending', 'scouter_observations_dropped_total',
    'scouter_latency_ms', 'scouter_stage_ms', 'scouter_frame_latency_ms', 'scouter_model_backend', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes',
  ]) assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), family);
  assert.match(text, /^scouter_cameras_running 0$/m);
  assert.match(text, /^scouter_model_backend\{model="centernet",backend="onnxruntime",choice="auto"\} 1$/m);
  assert.doesNotMatch(text, /camera_id=/);
  assert.match(metrics.contentType, /^text\/plain/);
});

test('passes of a gathering network are counted by frames per pass, as the inference thread reports them', async () => {
  const metrics = new ScouterMetrics(() => undefined, () => [], async () => ({ centernet: { maxBatch: 4, maxWaitMs: 5, passesBySize: { 1: 7, 3: 2 } } }));
  const text = await metrics.text();
  assert.match(text, /^scouter_inference_batch_passes_total\{model="centernet",frames="1"\} 7$/m);
  assert.match(text, /^scouter_inference_batch_passes_total\{model="centernet",frames="3"\} 2$/m);
  assert.doesNotMatch(await new ScouterMetrics(() => undefined).text(), /^scouter_inference_batch_passes_total\{/m, 'no series without a gathering network');
});

test('per-camera families read the worker through CameraMetricsSource, and a camera that stops leaves them', async () => {
  let cameras: CameraMetrics[] = [
    {
      id: 3,
      name: 'dock',
      stats: { framesDecoded: 120, framesProcessed: 100, framesDropped: 20, framesPredicted: 7, reconnects: 1, fps: 9.5, latencyMsP50: 40, latencyMsP95: 90 },
      observations: { written: 640, pending: 12, dropped: 0 },
      latencyMs: (q) => (q === 0.5 ? 40 : 90),
      stageMs: (stage, q) => (stage === 'detect' ? 30 * q : null),
    },
  ];
  const metrics = new ScouterMetrics(() => ({ cameraMetrics: () => cameras }));
  metrics.observeFrame({ id: 3, name: 'dock' }, 41);
  const cases: [string, string][] = [
    ['scouter_cameras_running', '1'],
    ['scouter_camera_fps{camera_id="3",camera="dock"}', '9.5'],
    ['scouter_frames_decoded_total{camera_id="3",camera="dock"}', '120'],
    ['scouter_frames_dropped_total{camera_id="3",camera="dock"}', '20'],
    ['scouter_frames_predicted_total{camera_id="3",camera="dock"}', '7'],
    ['scouter_observations_written_total{camera_id="3",camera="dock"}', '640'],
    ['scouter_observations_pending{camera_id="3",camera="dock"}', '12'],
    ['scouter_latency_ms{camera_id="3",camera="dock",quantile="0.95"}', '90'],
    ['scouter_stage_ms{camera_id="3",camera="dock",stage="detect",quantile="0.5"}', '15'],
    ['scouter_frame_latency_ms_count{camera_id="3",camera="dock"}', '1'],
  ];
  const text = await metrics.text();
  for (const [series, value] of cases) assert.ok(text.split('\n').includes(`${series} ${value}`), `${series} ${value}`);
  assert.doesNotMatch(text, /stage="track"/, 'an empty window reports nothing');
  cameras = [];
  const after = await metrics.text();
  assert.match(after, /^scouter_cameras_running 0$/m);
  assert.doesNotMatch(after, /camera_id="3"/);
});
