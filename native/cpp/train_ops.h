// Forward and backward kernels of the attribute-head layers and the optimiser steps. The same
// arithmetic as native/src/training/reference-ops.ts: every output element sums in double in a
// fixed order (no fused multiply-add) and is rounded to float32 once, so the C++ and TypeScript
// backends agree bit for bit and a training run depends on its seed only, never on the thread
// count (each output element is owned by one thread).
#pragma once

#include <cstdint>

namespace sightline {
namespace train {

// y[n,o] = b[o] + sum_i x[n,i] w[o,i]
void denseForward(const float* x, const float* w, const float* b, float* y, int64_t n, int64_t in, int64_t out);
// dx[n,i] = sum_o dy[n,o] w[o,i] (dx may be null); dw[o,i] = sum_n dy[n,o] x[n,i]; db[o] = sum_n dy[n,o]
void denseBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int64_t n,
                   int64_t in, int64_t out);

// NCHW convolution, square kernel k, stride 1, zero padding pad, output [n,o,oh,ow].
struct ConvShape {
  int64_t n, c, h, w, o, k, pad, oh, ow;
};
void convForward(const float* x, const float* w, const float* b, float* y, const ConvShape& s);
void convBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                  const ConvShape& s);

// Max pooling, window k, stride k (floor), NCHW; argmax holds each output's input index.
void maxPoolForward(const float* x, float* y, int32_t* argmax, int64_t nc, int64_t h, int64_t w, int64_t k);
void maxPoolBackward(const float* dy, const int32_t* argmax, float* dx, int64_t nc, int64_t h, int64_t w, int64_t k);

void reluForward(const float* x, float* y, int64_t len);
void reluBackward(const float* x, const float* dy, float* dx, int64_t len);
// y = x * mask * scale (inverted dropout; the same call is its own backward).
void dropout(const float* x, const uint8_t* mask, double scale, float* y, int64_t len);

// Softmax + weighted cross-entropy: probs[n,k], dlogits = w_y (p - onehot) / sum(w_y); returns the
// weighted mean loss. classWeights may be null (all 1).
double softmaxCrossEntropy(const float* logits, const int32_t* labels, const float* classWeights, float* probs,
                           float* dlogits, int64_t n, int64_t k);

// SGD with momentum and L2 weight decay: g' = g + wd p; v = mu v + g'; p -= lr v.
void sgdStep(float* p, const float* g, float* v, int64_t len, double lr, double momentum, double weightDecay);
// AdamW (decoupled weight decay); bc1 = 1 - beta1^t and bc2 = 1 - beta2^t come from the caller.
void adamStep(float* p, const float* g, float* m, float* v, int64_t len, double lr, double beta1, double beta2,
              double eps, double weightDecay, double bc1, double bc2);

// The same kernels written as the CUDA per-element bodies (../cuda/train_bodies.h). `emulated`
// loops the bodies on the CPU, single-threaded (cpp/train_emulation.cc): a test hook that checks
// the CUDA indexing against the kernels above on machines without a GPU. `cuda` runs them on the
// device (cuda/train_kernels.cu; cpp/train_cuda_stub.cc throws when built without nvcc), copying
// each call's arrays there and back. Same signatures as above.
#define SL_TRAIN_OPS(NS)                                                                                                 \
  namespace NS {                                                                                                       \
  void denseForward(const float* x, const float* w, const float* b, float* y, int64_t n, int64_t in, int64_t out);     \
  void denseBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int64_t n,      \
                     int64_t in, int64_t out);                                                                         \
  void convForward(const float* x, const float* w, const float* b, float* y, const ConvShape& s);                      \
  void convBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,                  \
                    const ConvShape& s);                                                                               \
  void maxPoolForward(const float* x, float* y, int32_t* argmax, int64_t nc, int64_t h, int64_t w, int64_t k);         \
  void maxPoolBackward(const float* dy, const int32_t* argmax, float* dx, int64_t nc, int64_t h, int64_t w, int64_t k); \
  void reluForward(const float* x, float* y, int64_t len);                                                             \
  void reluBackward(const float* x, const float* dy, float* dx, int64_t len);                                          \
  void dropout(const float* x, const uint8_t* mask, double scale, float* y, int64_t len);                              \
  double softmaxCrossEntropy(const float* logits, const int32_t* labels, const float* classWeights, float* probs,      \
                             float* dlogits, int64_t n, int64_t k);                                                    \
  void sgdStep(float* p, const float* g, float* v, int64_t len, double lr, double momentum, double weightDecay);       \
  void adamStep(float* p, const float* g, float* m, float* v, int64_t len, double lr, double beta1, double beta2,      \
                double eps, double weightDecay, double bc1, double bc2);                                               \
  }
SL_TRAIN_OPS(emulated)
SL_TRAIN_OPS(cuda)
#undef SL_TRAIN_OPS

}  // namespace train
}  // namespace sightline
