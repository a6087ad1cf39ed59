// Per-element bodies of the training kernels (see ../cpp/train_ops.h), as host/device functions.
// train_kernels.cu runs each in a grid-stride loop, one thread per output element;
// ../cpp/train_emulation.cc loops them on the CPU, which is how they are checked here without a
// GPU. Each element sums in double in the same order as ../cpp/train_ops.cc and is rounded to
// float32 once, so every backend gives the same bits (softmax's exp and log aside on a device).
#pragma once

#include <cmath>
#include <cstdint>

#include "../cpp/common.h"

namespace sightline {
namespace train {
namespace body {

// y[e], e = r * out + o.
SL_HD void denseForward(const float* x, const float* w, const float* b, float* y, int64_t in, int64_t out, int64_t e) {
  const int64_t r = e / out, o = e % out;
  double acc = b[o];
  for (int64_t i = 0; i < in; ++i) acc += static_cast<double>(x[r * in + i]) * static_cast<double>(w[o * in + i]);
  y[e] = static_cast<float>(acc);
}

// dx[e], e = r * in + i: sum over o ascending.
SL_HD void denseBackwardDx(const float* w, const float* dy, float* dx, int64_t in, int64_t out, int64_t e) {
  const int64_t r = e / in, i = e % in;
  double acc = 0;
  for (int64_t o = 0; o < out; ++o) acc += static_cast<double>(dy[r * out + o]) * static_cast<double>(w[o * in + i]);
  dx[e] = static_cast<float>(acc);
}

// dw[e], e = o * in + i: sum over the batch ascending.
SL_HD void denseBackwardDw(const float* x, const float* dy, float* dw, int64_t n, int64_t in, int64_t out, int64_t e) {
  const int64_t o = e / in, i = e % in;
  double acc = 0;
  for (int64_t r = 0; r < n; ++r) acc += static_cast<double>(dy[r * out + o]) * static_cast<double>(x[r * in + i]);
  dw[e] = static_cast<float>(acc);
}

SL_HD void denseBackwardDb(const float* dy, float* db, int64_t n, int64_t out, int64_t o) {
  double acc = 0;
  for (int64_t r = 0; r < n; ++r) acc += dy[r * out + o];
  db[o] = static_cast<float>(acc);
}

struct ConvDims {
  int64_t n, c, h, w, o, k, pad, oh, ow;
};

SL_HD void convForward(const float* x, const float* wt, const float* b, float* y, const ConvDims& s, int64_t e) {
  const int64_t ox = e % s.ow, oy = (e / s.ow) % s.oh, o = (e / (s.ow * s.oh)) % s.o, r = e / (s.ow * s.oh * s.o);
  double acc = b[o];
  for (int64_t c = 0; c < s.c; ++c) {
    for (int64_t ky = 0; ky < s.k; ++ky) {
      const int64_t iy = oy + ky - s.pad;
      if (iy < 0 || iy >= s.h) continue;
      for (int64_t kx = 0; kx < s.k; ++kx) {
        const int64_t ix = ox + kx - s.pad;
        if (ix < 0 || ix >= s.w) continue;
        acc += static_cast<double>(x[((r * s.c + c) * s.h + iy) * s.w + ix]) * static_cast<double>(wt[((o * s.c + c) * s.k + ky) * s.k + kx]);
      }
    }
  }
  y[e] = static_cast<float>(acc);
}

SL_HD void convBackwardDx(const float* wt, const float* dy, float* dx, const ConvDims& s, int64_t e) {
  const int64_t ix = e % s.w, iy = (e / s.w) % s.h, c = (e / (s.w * s.h)) % s.c, r = e / (s.w * s.h * s.c);
  double acc = 0;
  for (int64_t o = 0; o < s.o; ++o) {
    for (int64_t ky = 0; ky < s.k; ++ky) {
      const int64_t oy = iy - ky + s.pad;
      if (oy < 0 || oy >= s.oh) continue;
      for (int64_t kx = 0; kx < s.k; ++kx) {
        const int64_t ox = ix - kx + s.pad;
        if (ox < 0 || ox >= s.ow) continue;
        acc += static_cast<double>(dy[((r * s.o + o) * s.oh + oy) * s.ow + ox]) * static_cast<double>(wt[((o * s.c + c) * s.k + ky) * s.k + kx]);
      }
    }
  }
  dx[e] = static_cast<float>(acc);
}

SL_HD void convBackwardDw(const float* x, const float* dy, float* dw, const ConvDims& s, int64_t e) {
  const int64_t kx = e % s.k, ky = (e / s.k) % s.k, c = (e / (s.k * s.k)) % s.c, o = e / (s.k * s.k * s.c);
  double acc = 0;
  for (int64_t r = 0; r < s.n; ++r) {
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      const int64_t iy = oy + ky - s.pad;
      if (iy < 0 || iy >= s.h) continue;
      for (int64_t ox = 0; ox < s.ow; ++ox) {
        const int64_t ix = ox + kx - s.pad;
        if (ix < 0 || ix >= s.w) continue;
        acc += static_cast<double>(dy[((r * s.o + o) * s.oh + oy) * s.ow + ox]) * static_cast<double>(x[((r * s.c + c) * s.h + iy) * s.w + ix]);
      }
    }
  }
  dw[e] = static_cast<float>(acc);
}

SL_HD void convBackwardDb(const float* dy, float* db, const ConvDims& s, int64_t o) {
  double acc = 0;
  for (int64_t r = 0; r < s.n; ++r)
    for (int64_t p = 0; p < s.oh * s.ow; ++p) acc += dy[(r * s.o + o) * s.oh * s.ow + p];
  db[o] = static_cast<float>(acc);
}

// Output e of a k x k, stride k max pool; the first maximum in row-major window order wins.
SL_HD void maxPoolForward(const float* x, float* y, int32_t* argmax, int64_t h, int64_t w, int64_t k, int64_t e) {
  const int64_t oh = h / k, ow = w / k;
  const int64_t ox = e % ow, oy = (e / ow) % oh, p = e / (ow * oh);
  int64_t best = (p * h + oy * k) * w + ox * k;
  for (int64_t ky = 0; ky < k; ++ky)
    for (int64_t kx = 0; kx < k; ++kx) {
      const int64_t i = (p * h + oy * k + ky) * w + ox * k + kx;
      if (x[i] > x[best]) best = i;
    }
  y[e] = x[best];
  argmax[e] = static_cast<int32_t>(best);
}

// Input i gathers its window's gradient when it was the window's maximum (windows do not
// overlap), instead of the CPU's scatter: one writer per element, no atomics.
SL_HD void maxPoolBackward(const float* dy, const int32_t* argmax, float* dx, int64_t h, int64_t w, int64_t k, int64_t i) {
  const int64_t oh = h / k, ow = w / k;
  const int64_t x = i % w, y = (i / w) % h, p = i / (w * h);
  const int64_t oy = y / k, ox = x / k;
  float g = 0.0f;
  if (oy < oh && ox < ow) {
    const int64_t o = (p * oh + oy) * ow + ox;
    if (argmax[o] == i) g = dy[o];
  }
  dx[i] = g;
}

SL_HD void reluForward(const float* x, float* y, int64_t i) { y[i] = x[i] > 0 ? x[i] : 0.0f; }
SL_HD void reluBackward(const float* x, const float* dy, float* dx, int64_t i) { dx[i] = x[i] > 0 ? dy[i] : 0.0f; }
SL_HD void dropout(const float* x, const uint8_t* mask, double scale, float* y, int64_t i) {
  y[i] = mask[i] ? static_cast<float>(static_cast<double>(x[i]) * scale) : 0.0f;
}

// Row r of softmax + weighted cross-entropy: probs and dlogits of the row, and its weighted loss
// term (summed over rows in order by the caller, like the CPU kernel). totalWeight is the sum of
// the rows' class weights (1 when not positive).
SL_HD void softmaxRow(const float* logits, const int32_t* labels, const float* classWeights, float* probs, float* dlogits,
                      double* rowLoss, int64_t k, double totalWeight, int64_t r) {
  const float* l = logits + r * k;
  double mx = l[0];
  for (int64_t j = 1; j < k; ++j) mx = l[j] > mx ? static_cast<double>(l[j]) : mx;
  double sum = 0;
  for (int64_t j = 0; j < k; ++j) sum += exp(static_cast<double>(l[j]) - mx);
  const int32_t y = labels[r];
  const double wy = classWeights ? static_cast<double>(classWeights[y]) : 1.0;
  rowLoss[r] = wy * (log(sum) - (static_cast<double>(l[y]) - mx));
  for (int64_t j = 0; j < k; ++j) {
    const double p = exp(static_cast<double>(l[j]) - mx) / sum;
    probs[r * k + j] = static_cast<float>(p);
    dlogits[r * k + j] = static_cast<float>(wy * (p - (j == y ? 1.0 : 0.0)) / totalWeight);
  }
}

SL_HD void sgdStep(float* p, const float* g, float* v, double lr, double momentum, double weightDecay, int64_t i) {
  const double grad = static_cast<double>(g[i]) + weightDecay * static_cast<double>(p[i]);
  const double vel = momentum * static_cast<double>(v[i]) + grad;
  v[i] = static_cast<float>(vel);
  p[i] = static_cast<float>(static_cast<double>(p[i]) - lr * vel);
}

SL_HD void adamStep(float* p, const float* g, float* m, float* v, double lr, double beta1, double beta2, double eps,
                    double weightDecay, double bc1, double bc2, int64_t i) {
  const double grad = g[i];
  const double mi = beta1 * static_cast<double>(m[i]) + (1 - beta1) * grad;
  const double vi = beta2 * static_cast<double>(v[i]) + (1 - beta2) * grad * grad;
  m[i] = static_cast<float>(mi);
  v[i] = static_cast<float>(vi);
  const double pi = p[i];
  p[i] = static_cast<float>(pi - lr * ((mi / bc1) / (sqrt(vi / bc2) + eps) + weightDecay * pi));
}

}  // namespace body
}  // namespace train
}  // namespace sightline
