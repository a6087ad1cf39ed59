// Head-layer kernels for training (see train_ops.h): double accumulation in a fixed order, one
// float32 rounding per output, each output element computed by one thread.
#include "train_ops.h"

#include <cmath>
#include <algorithm>
#include <cstring>
#include <vector>

#include "parallel.h"

namespace sightline {
namespace train {

void denseForward(const float* x, const float* w, const float* b, float* y, int64_t n, int64_t in, int64_t out) {
  // Every output sums b + x_i w_i for i ascending, like the reference. With few outputs (a linear
  // head) plain dot products are fastest; with many, the weights are read transposed so that one
  // sample's outputs accumulate side by side: independent sums the compiler can vectorise, where a
  // single dot product is one long dependency chain. Both give the same bits.
  if (out < 16) {
    parallelFor(n * out, 64, [&](int64_t begin, int64_t end) {
      for (int64_t e = begin; e < end; ++e) {
        const int64_t r = e / out, o = e % out;
        const float* xr = x + r * in;
        const float* wr = w + o * in;
        double acc = b[o];
        for (int64_t i = 0; i < in; ++i) acc += static_cast<double>(xr[i]) * static_cast<double>(wr[i]);
        y[e] = static_cast<float>(acc);
      }
    });
    return;
  }
  std::vector<float> wt(static_cast<size_t>(in * out));
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) wt[i * out + o] = w[o * in + i];
  parallelFor(n, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> acc(out);
    for (int64_t r = begin; r < end; ++r) {
      for (int64_t o = 0; o < out; ++o) acc[o] = b[o];
      const float* xr = x + r * in;
      for (int64_t i = 0; i < in; ++i) {
        const double xi = xr[i];
        const float* wi = wt.data() + i * out;
        for (int64_t o = 0; o < out; ++o) acc[o] += xi * static_cast<double>(wi[o]);
      }
      for (int64_t o = 0; o < out; ++o) y[r * out + o] = static_cast<float>(acc[o]);
    }
  });
}

void denseBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int64_t n,
                   int64_t in, int64_t out) {
  // Each element still sums its terms in ascending order (o for dx, r for dw) as in the reference,
  // but a whole row is accumulated at once in a double buffer so the inner loop runs over
  // contiguous memory.
  if (dx) {
    parallelFor(n, 1, [&](int64_t begin, int64_t end) {
      std::vector<double> acc(in);
      for (int64_t r = begin; r < end; ++r) {
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t o = 0; o < out; ++o) {
          const double g = dy[r * out + o];
          const float* wr = w + o * in;
          for (int64_t i = 0; i < in; ++i) acc[i] += g * static_cast<double>(wr[i]);
        }
        for (int64_t i = 0; i < in; ++i) dx[r * in + i] = static_cast<float>(acc[i]);
      }
    });
  }
  parallelFor(out, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> acc(in);
    for (int64_t o = begin; o < end; ++o) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t r = 0; r < n; ++r) {
        const double g = dy[r * out + o];
        const float* xr = x + r * in;
        for (int64_t i = 0; i < in; ++i) acc[i] += g * static_cast<double>(xr[i]);
      }
      for (int64_t i = 0; i < in; ++i) dw[o * in + i] = static_cast<float>(acc[i]);
    }
  });
  for (int64_t o = 0; o < out; ++o) {
    double acc = 0;
    for (int64_t r = 0; r < n; ++r) acc += dy[r * out + o];
    db[o] = static_cast<float>(acc);
  }
}

void convForward(const float* x, const float* w, const float* b, float* y, const ConvShape& s) {
  const int64_t total = s.n * s.o * s.oh * s.ow;
  parallelFor(total, 16, [&](int64_t begin, int64_t end) {
    for (int64_t e = begin; e < end; ++e) {
      const int64_t ox = e % s.ow, oy = (e / s.ow) % s.oh, o = (e / (s.ow * s.oh)) % s.o, r = e / (s.ow * s.oh * s.o);
      double acc = b[o];
      for (int64_t c = 0; c < s.c; ++c) {
        for (int64_t ky = 0; ky < s.k; ++ky) {
          const int64_t iy = oy + ky - s.pad;
          if (iy < 0 || iy >= s.h) continue;
          for (int64_t kx = 0; kx < s.k; ++kx) {
            const int64_t ix = ox + kx - s.pad;
            if (ix < 0 || ix >= s.w) continue;
            acc += static_cast<double>(x[((r * s.c + c) * s.h + iy) * s.w + ix]) *
                   static_cast<double>(w[((o * s.c + c) * s.k + ky) * s.k + kx]);
          }
        }
      }
      y[e] = static_cast<float>(acc);
    }
  });
}

void convBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                  const ConvShape& s) {
  if (dx) {
    parallelFor(s.n * s.c * s.h * s.w, 16, [&](int64_t begin, int64_t end) {
      for (int64_t e = begin; e < end; ++e) {
        const int64_t ix = e % s.w, iy = (e / s.w) % s.h, c = (e / (s.w * s.h)) % s.c, r = e / (s.w * s.h * s.c);
        double acc = 0;
        for (int64_t o = 0; o < s.o; ++o) {
          for (int64_t ky = 0; ky < s.k; ++ky) {
            const int64_t oy = iy - ky + s.pad;
            if (oy < 0 || oy >= s.oh) continue;
            for (int64_t kx = 0; kx < s.k; ++kx) {
              const int64_t ox = ix - kx + s.pad;
              if (ox < 0 || ox >= s.ow) continue;
              acc += static_cast<double>(dy[((r * s.o + o) * s.oh + oy) * s.ow + ox]) *
                     static_cast<double>(w[((o * s.c + c) * s.k + ky) * s.k + kx]);
            }
          }
        }
        dx[e] = static_cast<float>(acc);
      }
    });
  }
  parallelFor(s.o * s.c * s.k * s.k, 4, [&](int64_t begin, int64_t end) {
    for (int64_t e = begin; e < end; ++e) {
      const int64_t kx = e % s.k, ky = (e / s.k) % s.k, c = (e / (s.k * s.k)) % s.c, o = e / (s.k * s.k * s.c);
      double acc = 0;
      for (int64_t r = 0; r < s.n; ++r) {
        for (int64_t oy = 0; oy < s.oh; ++oy) {
          const int64_t iy = oy + ky - s.pad;
          if (iy < 0 || iy >= s.h) continue;
          for (int64_t ox = 0; ox < s.ow; ++ox) {
            const int64_t ix = ox + kx - s.pad;
            if (ix < 0 || ix >= s.w) continue;
            acc += static_cast<double>(dy[((r * s.o + o) * s.oh + oy) * s.ow + ox]) *
                   static_cast<double>(x[((r * s.c + c) * s.h + iy) * s.w + ix]);
          }
        }
      }
      dw[e] = static_cast<float>(acc);
    }
  });
  for (int64_t o = 0; o < s.o; ++o) {
    double acc = 0;
    for (int64_t r = 0; r < s.n; ++r)
      for (int64_t p = 0; p < s.oh * s.ow; ++p) acc += dy[(r * s.o + o) * s.oh * s.ow + p];
    db[o] = static_cast<float>(acc);
  }
}

void maxPoolForward(const float* x, float* y, int32_t* argmax, int64_t nc, int64_t h, int64_t w, int64_t k) {
  const int64_t oh = h / k, ow = w / k;
  parallelFor(nc, 4, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      for (int64_t oy = 0; oy < oh; ++oy) {
        for (int64_t ox = 0; ox < ow; ++ox) {
          int64_t best = (p * h + oy * k) * w + ox * k;
          for (int64_t ky = 0; ky < k; ++ky)
            for (int64_t kx = 0; kx < k; ++kx) {
              const int64_t i = (p * h + oy * k + ky) * w + ox * k + kx;
              if (x[i] > x[best]) best = i;
            }
          const int64_t o = (p * oh + oy) * ow + ox;
          y[o] = x[best];
          argmax[o] = static_cast<int32_t>(best);
        }
      }
    }
  });
}

void maxPoolBackward(const float* dy, const int32_t* argmax, float* dx, int64_t nc, int64_t h, int64_t w, int64_t k) {
  std::memset(dx, 0, sizeof(float) * nc * h * w);
  const int64_t outs = nc * (h / k) * (w / k);
  // Windows do not overlap (stride = k): every input receives at most one gradient.
  for (int64_t o = 0; o < outs; ++o) dx[argmax[o]] = dy[o];
}

void reluForward(const float* x, float* y, int64_t len) {
  for (int64_t i = 0; i < len; ++i) y[i] = x[i] > 0 ? x[i] : 0.0f;
}

void reluBackward(const float* x, const float* dy, float* dx, int64_t len) {
  for (int64_t i = 0; i < len; ++i) dx[i] = x[i] > 0 ? dy[i] : 0.0f;
}

void dropout(const float* x, const uint8_t* mask, double scale, float* y, int64_t len) {
  for (int64_t i = 0; i < len; ++i) y[i] = mask[i] ? static_cast<float>(static_cast<double>(x[i]) * scale) : 0.0f;
}

double softmaxCrossEntropy(const float* logits, const int32_t* labels, const float* classWeights, float* probs,
                           float* dlogits, int64_t n, int64_t k) {
  double totalWeight = 0;
  for (int64_t r = 0; r < n; ++r) totalWeight += classWeights ? static_cast<double>(classWeights[labels[r]]) : 1.0;
  if (!(totalWeight > 0)) totalWeight = 1;
  double loss = 0;
  for (int64_t r = 0; r < n; ++r) {
    const float* l = logits + r * k;
    double mx = l[0];
    for (int64_t j = 1; j < k; ++j) mx = l[j] > mx ? static_cast<double>(l[j]) : mx;
    double sum = 0;
    for (int64_t j = 0; j < k; ++j) sum += std::exp(static_cast<double>(l[j]) - mx);
    const int32_t y = labels[r];
    const double wy = classWeights ? static_cast<double>(classWeights[y]) : 1.0;
    loss += wy * (std::log(sum) - (static_cast<double>(l[y]) - mx));
    for (int64_t j = 0; j < k; ++j) {
      const double p = std::exp(static_cast<double>(l[j]) - mx) / sum;
      probs[r * k + j] = static_cast<float>(p);
      dlogits[r * k + j] = static_cast<float>(wy * (p - (j == y ? 1.0 : 0.0)) / totalWeight);
    }
  }
  return loss / totalWeight;
}

void sgdStep(float* p, const float* g, float* v, int64_t len, double lr, double momentum, double weightDecay) {
  for (int64_t i = 0; i < len; ++i) {
    const double grad = static_cast<double>(g[i]) + weightDecay * static_cast<double>(p[i]);
    const double vel = momentum * static_cast<double>(v[i]) + grad;
    v[i] = static_cast<float>(vel);
    p[i] = static_cast<float>(static_cast<double>(p[i]) - lr * vel);
  }
}

void adamStep(float* p, const float* g, float* m, float* v, int64_t len, double lr, double beta1, double beta2,
              double eps, double weightDecay, double bc1, double bc2) {
  for (int64_t i = 0; i < len; ++i) {
    const double grad = g[i];
    const double mi = beta1 * static_cast<double>(m[i]) + (1 - beta1) * grad;
    const double vi = beta2 * static_cast<double>(v[i]) + (1 - beta2) * grad * grad;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    const double pi = p[i];
    p[i] = static_cast<float>(pi - lr * ((mi / bc1) / (std::sqrt(vi / bc2) + eps) + weightDecay * pi));
  }
}

}  // namespace train
}  // namespace sightline
