// RGB24/RGBA frame -> float32 tensor: bilinear resize (half-pixel centres) into a content
// rectangle of the output, constant padding around it, per-channel (v * scale - mean) / std.
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace sightline {

namespace {

struct ColumnTap {
  int64_t o0, o1;  // byte offsets of the two source pixels in a row
  double t;
};

void fillPad(float* dst, int64_t count, int64_t step, float value) {
  for (int64_t i = 0; i < count; ++i) dst[i * step] = value;
}

}  // namespace

void frameToTensorCpu(const FrameParams& p) {
  const int64_t ch = p.channels;
  const double ratioX = (double)p.srcW / (double)p.contentW;
  const double ratioY = (double)p.srcH / (double)p.contentH;
  std::vector<ColumnTap> cols(static_cast<size_t>(p.contentW));
  for (int64_t x = 0; x < p.contentW; ++x) {
    Tap tap = sourceTap(x + p.padX, p.padX, ratioX, p.srcW);
    cols[x] = {tap.i0 * ch, tap.i1 * ch, tap.t};
  }
  float pad[3];
  for (int c = 0; c < 3; ++c) pad[c] = normalise(p.padValue, p.scale, p.mean[c], p.stdev[c]);

  const int64_t plane = p.outW * p.outH;
  const int64_t rowStride = p.srcW * ch;
  const ColumnTap* colTaps = cols.data();
  // Rows are independent; about 64k output values per thread is where threads start to pay.
  int64_t rowsPerThread = std::max<int64_t>(1, 65536 / std::max<int64_t>(1, p.outW * 3));
  parallelFor(p.outH, rowsPerThread, [&](int64_t y0, int64_t y1) {
    for (int64_t y = y0; y < y1; ++y) {
      const bool inside = y >= p.padY && y < p.padY + p.contentH;
      for (int c = 0; c < 3; ++c) {
        // NCHW: channel planes, unit step. NHWC: interleaved, step 3.
        float* row = p.nchw ? p.out + c * plane + y * p.outW : p.out + y * p.outW * 3 + c;
        const int64_t step = p.nchw ? 1 : 3;
        if (!inside) {
          fillPad(row, p.outW, step, pad[c]);
          continue;
        }
        fillPad(row, p.padX, step, pad[c]);
        fillPad(row + (p.padX + p.contentW) * step, p.outW - p.padX - p.contentW, step, pad[c]);
        Tap ty = sourceTap(y, p.padY, ratioY, p.srcH);
        const uint8_t* r0 = p.src + ty.i0 * rowStride + c;
        const uint8_t* r1 = p.src + ty.i1 * rowStride + c;
        const double ly = ty.t, scale = p.scale, mean = p.mean[c], sd = p.stdev[c];
        float* dst = row + p.padX * step;
        for (int64_t x = 0; x < p.contentW; ++x) {
          const ColumnTap& tx = colTaps[x];
          double top = lerp((double)r0[tx.o0], (double)r0[tx.o1], tx.t);
          double bottom = lerp((double)r1[tx.o0], (double)r1[tx.o1], tx.t);
          dst[x * step] = normalise(lerp(top, bottom, ly), scale, mean, sd);
        }
      }
    }
  });
}

}  // namespace sightline
