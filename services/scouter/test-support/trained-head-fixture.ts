import { headToOnnx, SHARED_FEATURES } from '@sightline/models';
import { HeadNetwork, loadTrainOps } from '@sightline/native';
import type pg from 'pg';

/**
 * Stores a version of an attribute head as a finished training job would (weights from `seed`,
 * metrics complete enough for GET /heads), not deployed: tests check what the labels do, not how
 * well the head learned.
 * @example await storeTrainedHead(db.pool, { version: 1, labels: ['dark', 'light'] });
 */
export async function storeTrainedHead(pool: pg.Pool, options: { version: number; labels: string[]; seed?: number; name?: string }): Promise<void> {
  const { version, labels, seed = 1, name = 'upper_colour' } = options;
  const net = new HeadNetwork(loadTrainOps(), { side: 4, channels: SHARED_FEATURES.channels }, labels.length, { kind: 'linear' }, seed);
  const spec = { name, labels, model: `${name}.onnx`, outputSize: 4, channels: SHARED_FEATURES.channels, featureStride: SHARED_FEATURES.featureStride };
  const metrics = { labels, bestEpoch: 1, valAccuracy: 1, majorityAccuracy: 1 / labels.length, confusion: labels.map((_, i) => labels.map((__, k) => (i === k ? 1 : 0))), perClass: labels.map((label) => ({ label, precision: 1, recall: 1, support: 1 })), wrong: [], boxesPerSecond: 100 };
  await pool.query(
    `INSERT INTO scouter_attribute_heads (name, version, labels, spec, onnx, config, metrics, box_ids) VALUES ($1, $2, $3, $4, $5, '{}', $6, '{"train": [], "validation": []}')`,
    [name, version, JSON.stringify(labels), JSON.stringify(spec), Buffer.from(headToOnnx(net, name)), JSON.stringify(metrics)],
  );
}
