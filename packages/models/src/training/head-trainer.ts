// Trains one attribute head on pooled ROI features: shuffled mini-batches (seeded), SGD-momentum or
// AdamW, optional balanced class weights, validation after every epoch; keeps the weights of the
// best validation epoch and reports its confusion matrix, per-class precision/recall and the
// validation boxes it gets most confidently wrong.
import { createOptimizer, HeadNetwork, seededRandom, shuffleInPlace, type HeadArchitecture, type OptimizerSettings, type TrainOps } from '@sightline/native';

/** Samples in one flat array: row i is `features[i*d .. (i+1)*d)`. */
export interface FeatureSet {
  features: Float32Array;
  labels: Int32Array;
  boxIds: string[];
  /** Values per sample (S*S*C). */
  d: number;
}

export interface EpochStats {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

export interface TrainHeadOptions {
  ops: TrainOps;
  input: { side: number; channels: number };
  labels: string[];
  train: FeatureSet;
  validation: FeatureSet;
  architecture: HeadArchitecture;
  optimizer: OptimizerSettings;
  epochs: number;
  batchSize: number;
  seed: number;
  classWeighting: 'none' | 'balanced';
  /** After each epoch; return false to stop (cancellation). */
  onEpoch?: (stats: EpochStats) => Promise<boolean | void> | boolean | void;
}

export interface HeadMetrics {
  labels: string[];
  bestEpoch: number;
  valAccuracy: number;
  majorityAccuracy: number;
  confusion: number[][];
  perClass: { label: string; precision: number; recall: number; support: number }[];
  wrong: { boxId: string; truth: string; predicted: string; score: number }[];
  boxesPerSecond: number;
}

export interface TrainHeadResult {
  network: HeadNetwork;
  epochs: EpochStats[];
  metrics: HeadMetrics;
  stopped: boolean;
}

function gather(set: FeatureSet, order: readonly number[], from: number, n: number, x: Float32Array, y: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const s = order[from + i]!;
    x.set(set.features.subarray(s * set.d, (s + 1) * set.d), i * set.d);
    y[i] = set.labels[s]!;
  }
}

/** Loss, accuracy and per-sample probabilities of `set` (inference mode, unweighted loss). */
function evaluate(net: HeadNetwork, set: FeatureSet, batchSize: number): { loss: number; accuracy: number; probs: Float32Array } {
  const n = set.labels.length;
  const k = net.classes;
  const probs = new Float32Array(n * k);
  let loss = 0, correct = 0;
  for (let from = 0; from < n; from += batchSize) {
    const m = Math.min(batchSize, n - from);
    const x = set.features.subarray(from * set.d, (from + m) * set.d);
    const p = net.predict(x, m);
    probs.set(p, from * k);
    for (let i = 0; i < m; i++) {
      const row = p.subarray(i * k, (i + 1) * k);
      const truth = set.labels[from + i]!;
      loss -= Math.log(Math.max(row[truth]!, 1e-12));
      let best = 0;
      for (let j = 1; j < k; j++) if (row[j]! > row[best]!) best = j;
      if (best === truth) correct++;
    }
  }
  return { loss: n ? loss / n : 0, accuracy: n ? correct / n : 0, probs };
}

/**
 * Trains a head and returns it with its per-epoch history and validation metrics.
 * @example const { network, metrics } = await trainHead({ ops: loadTrainOps(), input: { side: 4, channels: 128 }, labels: ['dark', 'light'], train, validation, architecture: { kind: 'linear' }, optimizer: { kind: 'adam', lr: 1e-3, weightDecay: 1e-4 }, epochs: 20, batchSize: 32, seed: 1, classWeighting: 'balanced' });
 */
export async function trainHead(o: TrainHeadOptions): Promise<TrainHeadResult> {
  const k = o.labels.length;
  const net = new HeadNetwork(o.ops, o.input, k, o.architecture, o.seed);
  if (net.inputSize !== o.train.d) throw new Error(`features have ${o.train.d} values per box, the head expects ${net.inputSize}`);
  const optimizer = createOptimizer(o.ops, net.params, o.optimizer);
  const counts = new Array<number>(k).fill(0);
  for (const y of o.train.labels) counts[y]!++;
  const classWeights = o.classWeighting === 'balanced'
    ? Float32Array.from(counts, (c) => (c > 0 ? o.train.labels.length / (k * c) : 0))
    : undefined;
  const rand = seededRandom(o.seed ^ 0x5bd1e995);
  const order = Array.from({ length: o.train.labels.length }, (_, i) => i);
  const x = new Float32Array(o.batchSize * o.train.d);
  const y = new Int32Array(o.batchSize);
  const epochs: EpochStats[] = [];
  let best: { epoch: number; accuracy: number; loss: number; weights: Float32Array[] } | undefined;
  let trainSeconds = 0, trainBoxes = 0, stopped = false;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const started = performance.now();
    shuffleInPlace(order, rand);
    let lossSum = 0;
    for (let from = 0; from < order.length; from += o.batchSize) {
      const n = Math.min(o.batchSize, order.length - from);
      gather(o.train, order, from, n, x, y);
      const xs = x.subarray(0, n * o.train.d), ys = y.subarray(0, n);
      lossSum += net.lossAndGradients(xs, ys, n, classWeights) * n;
      optimizer.step();
      trainBoxes += n;
    }
    const seconds = (performance.now() - started) / 1000;
    trainSeconds += seconds;
    // Training loss is the mean over the epoch's batches (weighted, dropout on); training accuracy is
    // measured after the epoch in inference mode, like the validation figures.
    const trainAccuracy = evaluate(net, o.train, 256).accuracy;
    const val = evaluate(net, o.validation, 256);
    const stats: EpochStats = { epoch, trainLoss: order.length ? lossSum / order.length : 0, trainAccuracy, valLoss: val.loss, valAccuracy: val.accuracy, seconds };
    epochs.push(stats);
    if (!best || val.accuracy > best.accuracy || (val.accuracy === best.accuracy && val.loss < best.loss)) {
      best = { epoch, accuracy: val.accuracy, loss: val.loss, weights: net.params.map((p) => p.value.slice()) };
    }
    if ((await o.onEpoch?.(stats)) === false) {
      stopped = true;
      break;
    }
  }
  if (best) net.params.forEach((p, i) => p.value.set(best!.weights[i]!));
  const metrics = validationMetrics(net, o, counts, best?.epoch ?? 0, trainSeconds > 0 ? trainBoxes / trainSeconds : 0);
  return { network: net, epochs, metrics, stopped };
}

function validationMetrics(net: HeadNetwork, o: TrainHeadOptions, trainCounts: number[], bestEpoch: number, boxesPerSecond: number): HeadMetrics {
  const k = o.labels.length;
  const { probs, accuracy } = evaluate(net, o.validation, 256);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const wrong: HeadMetrics['wrong'] = [];
  o.validation.labels.forEach((truth, i) => {
    const row = probs.subarray(i * k, (i + 1) * k);
    let pred = 0;
    for (let j = 1; j < k; j++) if (row[j]! > row[pred]!) pred = j;
    confusion[truth]![pred]!++;
    if (pred !== truth) wrong.push({ boxId: o.validation.boxIds[i]!, truth: o.labels[truth]!, predicted: o.labels[pred]!, score: row[pred]! });
  });
  wrong.sort((a, b) => b.score - a.score);
  const perClass = o.labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c]!, 0);
    return { label, precision: predicted ? tp / predicted : 0, recall: support ? tp / support : 0, support };
  });
  const majority = trainCounts.indexOf(Math.max(...trainCounts));
  const n = o.validation.labels.length;
  const majorityAccuracy = n ? o.validation.labels.filter((l) => l === majority).length / n : 0;
  return { labels: o.labels, bestEpoch, valAccuracy: accuracy, majorityAccuracy, confusion, perClass, wrong: wrong.slice(0, 24), boxesPerSecond };
}
