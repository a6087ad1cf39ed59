// Constant-velocity Kalman filter over a 4-number box measurement.
//
// Both trackers use a state of four box numbers plus their velocities, a transition
// `position += velocity`, a measurement of the four positions, and diagonal noise. With a diagonal
// initial covariance the four (position, velocity) pairs then never couple, so the 8x8 filter is
// exactly four independent 2x2 filters: same numbers as the matrix form, a fraction of the work.
//
// Two noise models:
// - `xyah` (ByteTrack / DeepSORT): centre x, centre y, aspect w/h, height; noise scales with height.
// - `xysr` (SORT): centre x, centre y, area, aspect; fixed noise, aspect has no velocity.
import { axisScales, type Affine } from '../motion/affine.ts';

/** Noise and box parameterisation of a constant-velocity box filter. */
export interface BoxMotionModel {
  readonly name: 'xyah' | 'xysr';
  /** xyxy -> the 4 measured numbers. */
  measure(x1: number, y1: number, x2: number, y2: number, out: Float64Array): void;
  /** State positions -> xyxy (NaN when the state is not a valid box). */
  toXyxy(mean: Float64Array, out: Float64Array, offset: number): void;
  /** Initial position and velocity variances for dimension d, given the first measurement. */
  initVar(z: Float64Array, d: number): [number, number];
  /** Process noise variances (position, velocity) for dimension d at the current state. */
  processVar(mean: Float64Array, d: number): [number, number];
  /** Measurement noise variance for dimension d at the predicted state. */
  measureVar(mean: Float64Array, d: number): number;
  /** Hook run before each prediction (SORT keeps the area from going negative). */
  beforePredict?(mean: Float64Array): void;
}

const wPos = 1 / 20;
const wVel = 1 / 160;

/** ByteTrack / DeepSORT parameterisation and noise (weights 1/20 position, 1/160 velocity). */
export const xyahModel: BoxMotionModel = {
  name: 'xyah',
  measure(x1, y1, x2, y2, out) {
    const w = x2 - x1;
    const h = y2 - y1;
    out[0] = x1 + w / 2;
    out[1] = y1 + h / 2;
    out[2] = w / h;
    out[3] = h;
  },
  toXyxy(mean, out, o) {
    const h = mean[3]!;
    const w = mean[2]! * h;
    out[o] = mean[0]! - w / 2;
    out[o + 1] = mean[1]! - h / 2;
    out[o + 2] = mean[0]! + w / 2;
    out[o + 3] = mean[1]! + h / 2;
  },
  initVar(z, d) {
    const h = z[3]!;
    if (d === 2) return [1e-4, 1e-10];
    return [(2 * wPos * h) ** 2, (10 * wVel * h) ** 2];
  },
  processVar(mean, d) {
    const h = mean[3]!;
    if (d === 2) return [1e-4, 1e-10];
    return [(wPos * h) ** 2, (wVel * h) ** 2];
  },
  measureVar(mean, d) {
    return d === 2 ? 1e-2 : (wPos * mean[3]!) ** 2;
  },
};

/** SORT's parameterisation and noise (Bewley et al. 2016, sort.py). */
export const xysrModel: BoxMotionModel = {
  name: 'xysr',
  measure(x1, y1, x2, y2, out) {
    const w = x2 - x1;
    const h = y2 - y1;
    out[0] = x1 + w / 2;
    out[1] = y1 + h / 2;
    out[2] = w * h;
    out[3] = w / h;
  },
  toXyxy(mean, out, o) {
    const w = Math.sqrt(mean[2]! * mean[3]!);
    const h = mean[2]! / w;
    out[o] = mean[0]! - w / 2;
    out[o + 1] = mean[1]! - h / 2;
    out[o + 2] = mean[0]! + w / 2;
    out[o + 3] = mean[1]! + h / 2;
  },
  initVar(_z, d) {
    return d === 3 ? [10, 0] : [10, 10000];
  },
  processVar(_mean, d) {
    return d === 3 ? [1, 0] : d === 2 ? [1, 1e-4] : [1, 1e-2];
  },
  measureVar(_mean, d) {
    return d < 2 ? 1 : 10;
  },
  beforePredict(mean) {
    if (mean[6]! + mean[2]! <= 0) mean[6] = 0;
  },
};

/** Kalman state of one box: `mean` = 4 positions then 4 velocities; `cov` = [p00, p01, p11] x 4. */
export class BoxKalman {
  readonly mean = new Float64Array(8);
  readonly cov = new Float64Array(12);
  private readonly z = new Float64Array(4);

  /** Starts a filter at a measured xyxy box with zero velocity. */
  constructor(
    readonly model: BoxMotionModel,
    xyxy: ArrayLike<number>,
    offset = 0,
  ) {
    model.measure(xyxy[offset]!, xyxy[offset + 1]!, xyxy[offset + 2]!, xyxy[offset + 3]!, this.z);
    for (let d = 0; d < 4; d++) {
      this.mean[d] = this.z[d]!;
      const [pp, pv] = model.initVar(this.z, d);
      this.cov[d * 3] = pp;
      this.cov[d * 3 + 2] = pv;
    }
  }

  /** Advances one frame: position += velocity, covariance grows by the process noise. */
  predict(): void {
    this.model.beforePredict?.(this.mean);
    const { mean, cov } = this;
    for (let d = 0; d < 4; d++) {
      const [qp, qv] = this.model.processVar(mean, d);
      const k = d * 3;
      const p00 = cov[k]!;
      const p01 = cov[k + 1]!;
      const p11 = cov[k + 2]!;
      mean[d] = mean[d]! + (mean[d + 4]!);
      cov[k] = p00 + 2 * p01 + p11 + qp;
      cov[k + 1] = p01 + p11;
      cov[k + 2] = p11 + qv;
    }
  }

  /** Corrects the state with a measured xyxy box. */
  update(xyxy: ArrayLike<number>, offset = 0): void {
    const { mean, cov, z } = this;
    this.model.measure(xyxy[offset]!, xyxy[offset + 1]!, xyxy[offset + 2]!, xyxy[offset + 3]!, z);
    const r = [0, 1, 2, 3].map((d) => this.model.measureVar(mean, d));
    for (let d = 0; d < 4; d++) {
      const k = d * 3;
      const p00 = cov[k]!;
      const p01 = cov[k + 1]!;
      const p11 = cov[k + 2]!;
      const s = p00 + r[d]!;
      const k0 = p00 / s;
      const k1 = p01 / s;
      const innovation = z[d]! - mean[d]!;
      mean[d] = mean[d]! + (k0 * innovation);
      mean[d + 4] = mean[d + 4]! + (k1 * innovation);
      cov[k] = (1 - k0) * p00;
      cov[k + 1] = (1 - k0) * p01;
      cov[k + 2] = p11 - k1 * p01;
    }
  }

  /** Carries the state into the next frame's coordinates after the camera moved by `m` (see `warpBoxState`). */
  warp(m: Affine): void {
    warpBoxState(this.model, this.mean, this.cov, m);
  }

  /** The current box estimate as xyxy, written into `out` at `offset`. */
  xyxy(out: Float64Array = new Float64Array(4), offset = 0): Float64Array {
    this.model.toXyxy(this.mean, out, offset);
    return out;
  }
}

/**
 * Carries a box filter's state (`mean`, `cov` as in BoxKalman) into the next frame's coordinates
 * after the camera moved by `m` (camera-motion compensation, as BoT-SORT's multi_gmc): the centre
 * goes where `m` takes it, the centre velocity turns and scales with `m`'s linear part, the box size
 * scales with its axis scales, and the covariances with them. The filter keeps x and y uncoupled,
 * so the x-y cross terms a rotation would add are left out (a camera turns a fraction of a degree
 * between frames); for pans and zooms the result is exact.
 */
export function warpBoxState(model: BoxMotionModel, mean: Float64Array, cov: Float64Array, m: Affine): void {
  const [a, b, tx, c, d, ty] = m;
  const x = mean[0]!;
  const y = mean[1]!;
  mean[0] = a * x + b * y + tx;
  mean[1] = c * x + d * y + ty;
  const vx = mean[4]!;
  const vy = mean[5]!;
  mean[4] = a * vx + b * vy;
  mean[5] = c * vx + d * vy;
  for (let k = 0; k < 3; k++) {
    const px = cov[k]!;
    const py = cov[3 + k]!;
    cov[k] = a * a * px + b * b * py;
    cov[3 + k] = c * c * px + d * d * py;
  }
  const [sx, sy] = axisScales(m);
  // Dimensions 2 and 3: xyah's aspect (w/h) and height, xysr's area and aspect.
  const s2 = model.name === 'xyah' ? sx / sy : sx * sy;
  const s3 = model.name === 'xyah' ? sy : sx / sy;
  for (const [dim, s] of [[2, s2], [3, s3]] as const) {
    mean[dim] = mean[dim]! * s;
    mean[dim + 4] = mean[dim + 4]! * s;
    for (let k = 0; k < 3; k++) cov[dim * 3 + k] = cov[dim * 3 + k]! * s * s;
  }
}
