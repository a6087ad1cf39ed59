import { useState } from 'react';

/**
 * Bars over time in plain SVG with a value axis (0, half, top, with the unit), time labels under
 * the bars and the hovered bar's time and value; with no bars only "no data", no scale. It scales
 * to its container's width, so the side panel never scrolls sideways.
 */
export function TimeChart(props: { bars: { start: string; value: number }[]; bucketSeconds: number; unit: string; testId: string; digits?: number }) {
  const [hover, setHover] = useState<number>();
  const { bars } = props;
  const W = 360;
  const H = 110;
  const left = 34;
  const bottom = 18;
  const plotW = W - left - 4;
  const plotH = H - bottom - 14;
  const top = Math.max(1e-9, ...bars.map((b) => b.value));
  const axisTop = niceTop(top);
  const bw = bars.length ? plotW / bars.length : plotW;
  const digits = props.digits ?? 0;
  const label = (iso: string) => (props.bucketSeconds < 60 ? iso.slice(11, 19) : iso.slice(11, 16));
  const shown = hover !== undefined ? bars[hover] : undefined;
  const labelIndexes = bars.length <= 1 ? [0] : [0, Math.floor((bars.length - 1) / 2), bars.length - 1];
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" data-testid={props.testId} className="kanohi-chart" data-values={bars.map((b) => b.value.toFixed(digits)).join(',')} onMouseLeave={() => setHover(undefined)}>
      <text x={left} y={10} fontSize={10} data-testid={`${props.testId}-readout`}>
        {shown ? `${shown.start.slice(0, 10)} ${label(shown.start)} UTC: ${shown.value.toFixed(digits)} ${props.unit}` : bars.length ? `${props.unit}, per ${props.bucketSeconds} s (UTC)` : 'no data'}
      </text>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={left} x2={W - 4} y1={14 + plotH * (1 - f)} y2={14 + plotH * (1 - f)} stroke="#e2e8f0" />
          {bars.length > 0 && (
            <text x={left - 3} y={17 + plotH * (1 - f)} fontSize={9} textAnchor="end">
              {(axisTop * f).toFixed(axisTop < 10 && f === 0.5 ? 1 : 0)}
            </text>
          )}
        </g>
      ))}
      {bars.map((b, i) => (
        <rect
          key={b.start}
          x={left + i * bw + 0.5}
          y={14 + plotH * (1 - b.value / axisTop)}
          width={Math.max(1, bw - 1)}
          height={(plotH * b.value) / axisTop}
          fill={hover === i ? '#2c5282' : '#3182ce'}
          onMouseEnter={() => setHover(i)}
        >
          <title>{`${label(b.start)}: ${b.value.toFixed(digits)} ${props.unit}`}</title>
        </rect>
      ))}
      <line x1={left} x2={left} y1={14} y2={14 + plotH} stroke="#718096" />
      <line x1={left} x2={W - 4} y1={14 + plotH} y2={14 + plotH} stroke="#718096" />
      {bars.length > 0 &&
        labelIndexes.map((i, k) => (
          <text key={k} x={left + i * bw + bw / 2} y={H - 4} fontSize={9} textAnchor={k === 0 ? 'start' : k === labelIndexes.length - 1 ? 'end' : 'middle'}>
            {label(bars[i]!.start)}
          </text>
        ))}
    </svg>
  );
}

/** 1, 2 or 5 times a power of ten, at or above the value: round axis labels. */
function niceTop(value: number): number {
  const p = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= value - 1e-9) ?? value;
}
