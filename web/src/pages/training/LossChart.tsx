import type { TrainEpoch } from '@sightline/contracts';

const W = 420, H = 160, PAD = 28;

/** Train/validation curves of one metric over the epochs so far (SVG, redrawn as epochs arrive). */
export function LossChart({ epochs, metric, title }: { epochs: TrainEpoch[]; metric: 'loss' | 'accuracy'; title: string }) {
  const train = epochs.map((e) => (metric === 'loss' ? e.trainLoss : e.trainAccuracy));
  const val = epochs.map((e) => (metric === 'loss' ? e.valLoss : e.valAccuracy));
  const max = metric === 'accuracy' ? 1 : Math.max(1e-6, ...train, ...val);
  const n = Math.max(2, epochs.length);
  const x = (i: number) => PAD + (i / (n - 1)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - (v / max) * (H - 2 * PAD);
  const line = (values: number[]) => values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <figure className="chart" data-testid={`chart-${metric}`} data-points={epochs.length}>
      <figcaption>{title}</figcaption>
      <svg width={W} height={H} role="img" aria-label={title}>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="currentColor" opacity={0.3} />
        <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} stroke="currentColor" opacity={0.3} />
        <text x={4} y={PAD}>{metric === 'accuracy' ? '100%' : max.toFixed(2)}</text>
        <text x={W - PAD} y={H - 8}>epoch {epochs.length}</text>
        <path d={line(train)} fill="none" stroke="#3b82f6" strokeWidth={2} />
        <path d={line(val)} fill="none" stroke="#f97316" strokeWidth={2} />
      </svg>
      <small>blue: training, orange: validation</small>
    </figure>
  );
}
