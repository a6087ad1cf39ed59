import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandGrid, parseTrainConfig, TrainConfigError } from './train-config.ts';

const problems = (input: unknown): string[] => {
  try {
    parseTrainConfig(input);
  } catch (err) {
    if (err instanceof TrainConfigError) return err.problems;
    throw err;
  }
  return [];
};

test('errors name the key that is wrong', () => {
  const table: [unknown, RegExp][] = [
    [{ attributes: ['a'] }, /^project: /],
    [{ project: 'p', attributes: [] }, /^attributes: /],
    [{ project: 'p', attributes: ['a'], epochs: 0 }, /^epochs: /],
    [{ project: 'p', attributes: ['a'], lr: [0.1, -1] }, /^lr/],
    [{ project: 'p', attributes: ['a'], optimizer: 'rmsprop' }, /^optimizer: /],
    [{ project: 'p', attributes: ['a'], head: 'transformer' }, /^head: /],
    [{ project: 'p', attributes: ['a'], learningRate: 0.1 }, /^learningRate: unknown key/],
    [{ project: 'p', attributes: ['a'], validation: { by: 'frame', fraction: 0.2 } }, /^validation\.by: /],
    [{ project: 'p', attributes: ['a'], validation: { by: 'track', fraction: 0.2, x: 1 } }, /^validation\.x: unknown key/],
    [{ project: 'p', attributes: ['a', 'a'] }, /^attributes: a is listed twice/],
    [[], /^\(config\): must be a JSON object/],
  ];
  for (const [input, expected] of table) {
    const found = problems(input);
    assert.ok(found.some((p) => expected.test(p)), `${JSON.stringify(input)} -> ${JSON.stringify(found)}`);
  }
  assert.deepEqual(problems({ project: 'p', attributes: ['a'] }), []);
});

test('lists make a grid: attributes x every combination, defaults filled in', () => {
  const jobs = expandGrid(parseTrainConfig({ project: 3, attributes: ['upper', 'hat'], head: ['linear', 'mlp'], lr: [0.01, 0.001, 0.0001], seed: 5 }));
  assert.equal(jobs.length, 2 * 2 * 3);
  assert.deepEqual(jobs.map((j) => `${j.attribute}/${j.head}/${j.lr}`).slice(0, 4), ['upper/linear/0.01', 'upper/linear/0.001', 'upper/linear/0.0001', 'upper/mlp/0.01']);
  assert.ok(jobs.every((j) => j.seed === 5 && j.epochs === 30 && j.optimizer === 'adam' && j.validation.by === 'track' && j.roiSize === 4));
  assert.throws(() => parseTrainConfig({ project: 'p', attributes: ['a'], lr: Array(15).fill(0.1), seed: Array(15).fill(1) }), /225 jobs/);
});
