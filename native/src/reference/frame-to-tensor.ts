// TypeScript reference of cpp/frame_to_tensor.cc. Same double-precision operations in the same
// order as cpp/common.h (sourceTap, lerp, normalise), so results match the C++ path exactly.
import type { FramePlan } from '../plan.ts';

/** Half-pixel source taps of every output index in [0, count): i0, i1 and the weight of i1. */
export function sourceTaps(count: number, ratio: number, srcSize: number) {
  const i0 = new Int32Array(count);
  const i1 = new Int32Array(count);
  const t = new Float64Array(count);
  for (let d = 0; d < count; d++) {
    let s = (d + 0.5) * ratio - 0.5;
    if (s < 0) s = 0;
    const i = Math.floor(s);
    if (i >= srcSize - 1) {
      i0[d] = srcSize - 1;
      i1[d] = srcSize - 1;
      t[d] = 0;
    } else {
      i0[d] = i;
      i1[d] = i + 1;
      t[d] = s - i;
    }
  }
  return { i0, i1, t };
}

/** Writes the tensor described by `plan` into plan.out. */
export function frameToTensorReference(plan: FramePlan): void {
  const { data: src, channels: ch, out, outWidth: outW, outHeight: outH, padX, padY } = plan;
  const { contentWidth: cw, contentHeight: chh, scale, mean, std, nchw } = plan;
  const cols = sourceTaps(cw, plan.width / cw, plan.width);
  const rows = sourceTaps(chh, plan.height / chh, plan.height);
  const o0 = cols.i0.map((i) => i * ch);
  const o1 = cols.i1.map((i) => i * ch);
  const plane = outW * outH;
  const step = nchw ? 1 : 3;
  const rowStride = plan.width * ch;
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!;
    const sd = std[c]!;
    const pad = (plan.padValue * scale - m) / sd;
    for (let y = 0; y < outH; y++) {
      const rowBase = nchw ? c * plane + y * outW : y * outW * 3 + c;
      const ry = y - padY;
      if (ry < 0 || ry >= chh) {
        for (let x = 0; x < outW; x++) out[rowBase + x * step] = pad;
        continue;
      }
      for (let x = 0; x < padX; x++) out[rowBase + x * step] = pad;
      for (let x = padX + cw; x < outW; x++) out[rowBase + x * step] = pad;
      const r0 = rows.i0[ry]! * rowStride + c;
      const r1 = rows.i1[ry]! * rowStride + c;
      const ly = rows.t[ry]!;
      const dst = rowBase + padX * step;
      for (let x = 0; x < cw; x++) {
        const a = o0[x]!;
        const b = o1[x]!;
        const lx = cols.t[x]!;
        const p00 = src[r0 + a]!;
        const p10 = src[r1 + a]!;
        const top = p00 + (src[r0 + b]! - p00) * lx;
        const bottom = p10 + (src[r1 + b]! - p10) * lx;
        const v = top + (bottom - top) * ly;
        out[dst + x * step] = (v * scale - m) / sd;
      }
    }
  }
}
