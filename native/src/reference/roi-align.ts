// TypeScript reference of cpp/roi_align.cc (torchvision roi_align semantics), mirroring the
// arithmetic of cpp/common.h (roiBox, roiSampleY/X, roiTaps) operation for operation.
import type { RoiPlan } from '../plan.ts';

/** Writes k crops into plan.out. */
export function roiAlignReference(plan: RoiPlan): void {
  const { input, c: C, h: H, w: W, nchw, boxes, batchIndices, outHeight: outH, outWidth: outW, out } = plan;
  const k = boxes.length / 4;
  const offset = plan.aligned ? 0.5 : 0;
  const pixels = H * W;
  for (let r = 0; r < k; r++) {
    const startX = boxes[r * 4]! * plan.spatialScale - offset;
    const startY = boxes[r * 4 + 1]! * plan.spatialScale - offset;
    const endX = boxes[r * 4 + 2]! * plan.spatialScale - offset;
    const endY = boxes[r * 4 + 3]! * plan.spatialScale - offset;
    let roiW = endX - startX;
    let roiH = endY - startY;
    if (!plan.aligned) {
      if (roiW < 1) roiW = 1;
      if (roiH < 1) roiH = 1;
    }
    const binH = roiH / outH;
    const binW = roiW / outW;
    const gridH = plan.samplingRatio > 0 ? plan.samplingRatio : Math.ceil(roiH / outH);
    const gridW = plan.samplingRatio > 0 ? plan.samplingRatio : Math.ceil(roiW / outW);
    const cells = gridH * gridW;
    const count = cells > 1 ? cells : 1;
    const b = batchIndices ? batchIndices[r]! : 0;
    for (let ph = 0; ph < outH; ph++) {
      for (let pw = 0; pw < outW; pw++) {
        const sums = new Float64Array(C);
        for (let iy = 0; iy < gridH; iy++) {
          const y = startY + ph * binH + ((iy + 0.5) * binH) / gridH;
          for (let ix = 0; ix < gridW; ix++) {
            let x = startX + pw * binW + ((ix + 0.5) * binW) / gridW;
            if (y < -1 || y > H || x < -1 || x > W) continue;
            let yy = y;
            if (yy <= 0) yy = 0;
            if (x <= 0) x = 0;
            let yLow = Math.floor(yy);
            let xLow = Math.floor(x);
            let yHigh: number;
            let xHigh: number;
            if (yLow >= H - 1) {
              yHigh = yLow = H - 1;
              yy = yLow;
            } else {
              yHigh = yLow + 1;
            }
            if (xLow >= W - 1) {
              xHigh = xLow = W - 1;
              x = xLow;
            } else {
              xHigh = xLow + 1;
            }
            const ly = yy - yLow;
            const lx = x - xLow;
            const hy = 1 - ly;
            const hx = 1 - lx;
            const w1 = hy * hx;
            const w2 = hy * lx;
            const w3 = ly * hx;
            const w4 = ly * lx;
            const o1 = yLow * W + xLow;
            const o2 = yLow * W + xHigh;
            const o3 = yHigh * W + xLow;
            const o4 = yHigh * W + xHigh;
            for (let ci = 0; ci < C; ci++) {
              const base = nchw ? (b * C + ci) * pixels : b * pixels * C + ci;
              const s = nchw ? 1 : C;
              sums[ci]! += w1 * input[base + o1 * s]! + w2 * input[base + o2 * s]! + w3 * input[base + o3 * s]! + w4 * input[base + o4 * s]!;
            }
          }
        }
        for (let ci = 0; ci < C; ci++) {
          const idx = nchw ? ((r * C + ci) * outH + ph) * outW + pw : ((r * outH + ph) * outW + pw) * C + ci;
          out[idx] = sums[ci]! / count;
        }
      }
    }
  }
}
