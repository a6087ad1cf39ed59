// RGB24/RGBA frame -> float32 tensor: bilinear resize (half-pixel centres) into a content
// rectangle of the output, constant padding around it, per-channel (v * scale - mean) / std.
#include <vector>

#include "kernels.h"
#include "parallel.h"
#include "simd.h"

namespace sightline {

namespace {

struct ColumnTap {
  int64_t o0, o1;  // byte offsets of the two source pixels in a row
  double t;
};

void fillPad(float* dst, int64_t count, int64_t step, float value) {
  for (int64_t i = 0; i < count; ++i) dst[i * step] = value;
}

// One content row, all three channels per source pixel (the taps are looked up once).
// Channels and layout are template parameters so the inner loop has constant strides.
template <int Channels, bool Nchw>
SL_CLONES void contentRow(const FrameParams& p, const ColumnTap* cols, const uint8_t* r0, const uint8_t* r1, double ly,
                          float* d0, float* d1, float* d2) {
  constexpr int64_t step = Nchw ? 1 : 3;
  const double scale = p.scale;
  const double m0 = p.mean[0], m1 = p.mean[1], m2 = p.mean[2];
  const double s0 = p.stdev[0], s1 = p.stdev[1], s2 = p.stdev[2];
  for (int64_t x = 0; x < p.contentW; ++x) {
    const ColumnTap tx = cols[x];
    const uint8_t* a0 = r0 + tx.o0;
    const uint8_t* b0 = r0 + tx.o1;
    const uint8_t* a1 = r1 + tx.o0;
    const uint8_t* b1 = r1 + tx.o1;
    const double t = tx.t;
    d0[x * step] = normalise(lerp(lerp(a0[0], b0[0], t), lerp(a1[0], b1[0], t), ly), scale, m0, s0);
    d1[x * step] = normalise(lerp(lerp(a0[1], b0[1], t), lerp(a1[1], b1[1], t), ly), scale, m1, s1);
    d2[x * step] = normalise(lerp(lerp(a0[2], b0[2], t), lerp(a1[2], b1[2], t), ly), scale, m2, s2);
  }
}

template <int Channels, bool Nchw>
void frameRows(const FrameParams& p, const ColumnTap* cols, const float* pad, int64_t y0, int64_t y1) {
  constexpr int64_t step = Nchw ? 1 : 3;
  const double ratioY = (double)p.srcH / (double)p.contentH;
  const int64_t plane = p.outW * p.outH;
  const int64_t rowStride = p.srcW * Channels;
  for (int64_t y = y0; y < y1; ++y) {
    float* row[3];
    for (int c = 0; c < 3; ++c) row[c] = Nchw ? p.out + c * plane + y * p.outW : p.out + y * p.outW * 3 + c;
    if (y < p.padY || y >= p.padY + p.contentH) {
      for (int c = 0; c < 3; ++c) fillPad(row[c], p.outW, step, pad[c]);
      continue;
    }
    for (int c = 0; c < 3; ++c) {
      fillPad(row[c], p.padX, step, pad[c]);
      fillPad(row[c] + (p.padX + p.contentW) * step, p.outW - p.padX - p.contentW, step, pad[c]);
      row[c] += p.padX * step;
    }
    const Tap ty = sourceTap(y, p.padY, ratioY, p.srcH);
    contentRow<Channels, Nchw>(p, cols, p.src + ty.i0 * rowStride, p.src + ty.i1 * rowStride, ty.t, row[0], row[1], row[2]);
  }
}

}  // namespace

void frameToTensorCpu(const FrameParams& p) {
  const int64_t ch = p.channels;
  const double ratioX = (double)p.srcW / (double)p.contentW;
  std::vector<ColumnTap> cols(static_cast<size_t>(p.contentW));
  for (int64_t x = 0; x < p.contentW; ++x) {
    Tap tap = sourceTap(x + p.padX, p.padX, ratioX, p.srcW);
    cols[x] = {tap.i0 * ch, tap.i1 * ch, tap.t};
  }
  float pad[3];
  for (int c = 0; c < 3; ++c) pad[c] = normalise(p.padValue, p.scale, p.mean[c], p.stdev[c]);
  // Rows are independent; about 64k output values per thread is where threads start to pay.
  const int64_t rowsPerThread = std::max<int64_t>(1, 65536 / std::max<int64_t>(1, p.outW * 3));
  parallelFor(p.outH, rowsPerThread, [&](int64_t y0, int64_t y1) {
    if (ch == 4) {
      p.nchw ? frameRows<4, true>(p, cols.data(), pad, y0, y1) : frameRows<4, false>(p, cols.data(), pad, y0, y1);
    } else {
      p.nchw ? frameRows<3, true>(p, cols.data(), pad, y0, y1) : frameRows<3, false>(p, cols.data(), pad, y0, y1);
    }
  });
}

}  // namespace sightline
