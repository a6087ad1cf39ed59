// Per-element bodies of the CUDA kernels, as host/device functions. kernels.cu wraps them in
// grid-stride loops; cpp/cuda_emulation.cc runs them in plain loops on the CPU so the CUDA
// indexing, layouts and NMS bitmask logic are tested on machines without a GPU.
#pragma once

#include <cstdint>
#include <vector>

#include "../cpp/common.h"

namespace sightline {

// Output pixel i (all three channels) of the frame tensor.
SL_HD void frameElement(const FrameParams& p, double ratioX, double ratioY, int64_t i) {
  const int64_t plane = p.outW * p.outH;
  const int64_t y = i / p.outW, x = i % p.outW;
  const bool inside = y >= p.padY && y < p.padY + p.contentH && x >= p.padX && x < p.padX + p.contentW;
  Tap tx{0, 0, 0.0}, ty{0, 0, 0.0};
  if (inside) {
    tx = sourceTap(x, p.padX, ratioX, p.srcW);
    ty = sourceTap(y, p.padY, ratioY, p.srcH);
  }
  const uint8_t* r0 = p.src + ty.i0 * p.srcW * p.channels;
  const uint8_t* r1 = p.src + ty.i1 * p.srcW * p.channels;
  for (int c = 0; c < 3; ++c) {
    float v;
    if (inside) {
      const double top = lerp((double)r0[tx.i0 * p.channels + c], (double)r0[tx.i1 * p.channels + c], tx.t);
      const double bottom = lerp((double)r1[tx.i0 * p.channels + c], (double)r1[tx.i1 * p.channels + c], tx.t);
      v = normalise(lerp(top, bottom, ty.t), p.scale, p.mean[c], p.stdev[c]);
    } else {
      v = normalise(p.padValue, p.scale, p.mean[c], p.stdev[c]);
    }
    p.out[p.nchw ? c * plane + i : i * 3 + c] = v;
  }
}

// Output element i of roi_align, in the output's own layout.
SL_HD void roiElement(const RoiParams& p, int64_t i) {
  const int64_t pixels = p.h * p.w;
  int64_t k, c, ph, pw, t;
  if (p.nchw) {  // i = ((k*C + c)*outH + ph)*outW + pw
    pw = i % p.outW;
    t = i / p.outW;
    ph = t % p.outH;
    t /= p.outH;
    c = t % p.c;
    k = t / p.c;
  } else {  // i = ((k*outH + ph)*outW + pw)*C + c
    c = i % p.c;
    t = i / p.c;
    pw = t % p.outW;
    t /= p.outW;
    ph = t % p.outH;
    k = t / p.outH;
  }
  const RoiBox box = roiBox(p.boxes + k * 4, p);
  const int64_t b = p.batch ? p.batch[k] : 0;
  const float* base = p.nchw ? p.input + (b * p.c + c) * pixels : p.input + b * pixels * p.c + c;
  const int64_t stride = p.nchw ? 1 : p.c;
  double sum = 0.0;
  for (int64_t iy = 0; iy < box.gridH; ++iy) {
    const double y = roiSampleY(box, ph, iy);
    for (int64_t ix = 0; ix < box.gridW; ++ix) {
      const RoiTaps tp = roiTaps(y, roiSampleX(box, pw, ix), p.h, p.w);
      if (!tp.valid) continue;
      sum += tp.w1 * (double)base[tp.o1 * stride] + tp.w2 * (double)base[tp.o2 * stride] +
             tp.w3 * (double)base[tp.o3 * stride] + tp.w4 * (double)base[tp.o4 * stride];
    }
  }
  p.out[i] = (float)(sum / box.count);
}

// Bit j set when column box j (ranked below `box`, same class) overlaps it by IoU > threshold.
// `first` skips the columns at or above the row in the diagonal block.
SL_HD unsigned long long nmsMaskBits(const float* box, int32_t cls, const float* colBoxes, const int32_t* colClasses,
                                     int64_t first, int64_t colSize, double threshold) {
  unsigned long long bits = 0;
  for (int64_t j = first; j < colSize; ++j) {
    if (colClasses[j] == cls && iou(box, colBoxes + j * 4) > threshold) bits |= 1ULL << j;
  }
  return bits;
}

// Host side of the bitmask NMS: walk the sorted candidates, keep those no kept box removed.
inline std::vector<int32_t> nmsReduceMask(const std::vector<int32_t>& order, const unsigned long long* mask,
                                          int64_t colBlocks, int64_t maxDetections) {
  const int64_t m = static_cast<int64_t>(order.size());
  std::vector<unsigned long long> removed(static_cast<size_t>(colBlocks), 0);
  std::vector<int32_t> kept;
  for (int64_t i = 0; i < m; ++i) {
    const int64_t block = i / 64;
    if (removed[block] & (1ULL << (i % 64))) continue;
    kept.push_back(order[i]);
    if (static_cast<int64_t>(kept.size()) >= maxDetections) break;
    const unsigned long long* row = mask + i * colBlocks;
    for (int64_t j = block; j < colBlocks; ++j) removed[j] |= row[j];
  }
  return kept;
}

// Candidates gathered in rank order (boxes, and class ids or zeros), as the mask kernel reads them.
inline void nmsGatherSorted(const NmsParams& p, const std::vector<int32_t>& order, std::vector<float>& boxes,
                            std::vector<int32_t>& classes) {
  const size_t m = order.size();
  boxes.resize(m * 4);
  classes.assign(m, 0);
  for (size_t r = 0; r < m; ++r) {
    const float* src = p.boxes + static_cast<int64_t>(order[r]) * 4;
    for (int d = 0; d < 4; ++d) boxes[r * 4 + d] = src[d];
    if (p.classes) classes[r] = p.classes[order[r]];
  }
}

}  // namespace sightline
