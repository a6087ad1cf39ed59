// ROI-align (torchvision semantics, aligned=true by default) over NCHW or NHWC feature maps.
// Sampling taps are computed once per output row and reused for every channel.
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace sightline {

void roiAlignCpu(const RoiParams& p) {
  const int64_t units = p.k * p.outH;  // one unit = one output row of one box
  const int64_t pixels = p.h * p.w;
  const int64_t perUnit = std::max<int64_t>(1, p.c * p.outW);
  parallelFor(units, std::max<int64_t>(1, 16384 / perUnit), [&](int64_t u0, int64_t u1) {
    std::vector<RoiTaps> taps;
    std::vector<double> acc(static_cast<size_t>(p.nchw ? 0 : p.c));
    for (int64_t u = u0; u < u1; ++u) {
      const int64_t k = u / p.outH, ph = u % p.outH;
      const RoiBox box = roiBox(p.boxes + k * 4, p);
      const int64_t b = p.batch ? p.batch[k] : 0;
      const int64_t samples = std::max<int64_t>(box.gridH, 0) * std::max<int64_t>(box.gridW, 0);
      taps.resize(static_cast<size_t>(samples * p.outW));
      for (int64_t pw = 0; pw < p.outW; ++pw) {
        RoiTaps* t = taps.data() + pw * samples;
        for (int64_t iy = 0; iy < box.gridH; ++iy) {
          const double y = roiSampleY(box, ph, iy);
          for (int64_t ix = 0; ix < box.gridW; ++ix) *t++ = roiTaps(y, roiSampleX(box, pw, ix), p.h, p.w);
        }
      }
      if (p.nchw) {
        for (int64_t c = 0; c < p.c; ++c) {
          const float* plane = p.input + (b * p.c + c) * pixels;
          float* out = p.out + ((k * p.c + c) * p.outH + ph) * p.outW;
          for (int64_t pw = 0; pw < p.outW; ++pw) {
            const RoiTaps* t = taps.data() + pw * samples;
            double sum = 0.0;
            for (int64_t s = 0; s < samples; ++s, ++t) {
              if (!t->valid) continue;
              sum += t->w1 * (double)plane[t->o1] + t->w2 * (double)plane[t->o2] +
                     t->w3 * (double)plane[t->o3] + t->w4 * (double)plane[t->o4];
            }
            out[pw] = (float)(sum / box.count);
          }
        }
      } else {
        const int64_t C = p.c;
        const float* image = p.input + b * pixels * C;
        double* a = acc.data();
        for (int64_t pw = 0; pw < p.outW; ++pw) {
          const RoiTaps* t = taps.data() + pw * samples;
          for (int64_t c = 0; c < C; ++c) a[c] = 0.0;
          for (int64_t s = 0; s < samples; ++s, ++t) {
            if (!t->valid) continue;
            // Channels are contiguous in NHWC: this inner loop vectorises.
            const float* v1 = image + t->o1 * C;
            const float* v2 = image + t->o2 * C;
            const float* v3 = image + t->o3 * C;
            const float* v4 = image + t->o4 * C;
            const double w1 = t->w1, w2 = t->w2, w3 = t->w3, w4 = t->w4;
            for (int64_t c = 0; c < C; ++c) {
              a[c] += w1 * (double)v1[c] + w2 * (double)v2[c] + w3 * (double)v3[c] + w4 * (double)v4[c];
            }
          }
          float* out = p.out + ((k * p.outH + ph) * p.outW + pw) * C;
          for (int64_t c = 0; c < C; ++c) out[c] = (float)(a[c] / box.count);
        }
      }
    }
  });
}

}  // namespace sightline
