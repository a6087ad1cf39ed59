// The CUDA training kernels' per-element bodies (../cuda/train_bodies.h) looped on the CPU,
// single-threaded: not a backend but a test hook, so the CUDA indexing, the gather form of the
// max-pool backward and the per-row softmax are checked against cpp/train_ops.cc without a GPU.
#include "../cuda/train_bodies.h"
#include "train_ops.h"

#include <vector>

namespace sightline {
namespace train {
namespace emulated {

namespace {
body::ConvDims dims(const ConvShape& s) { return {s.n, s.c, s.h, s.w, s.o, s.k, s.pad, s.oh, s.ow}; }
}  // namespace

void denseForward(const float* x, const float* w, const float* b, float* y, int64_t n, int64_t in, int64_t out) {
  for (int64_t e = 0; e < n * out; ++e) body::denseForward(x, w, b, y, in, out, e);
}

void denseBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int64_t n,
                   int64_t in, int64_t out) {
  if (dx)
    for (int64_t e = 0; e < n * in; ++e) body::denseBackwardDx(w, dy, dx, in, out, e);
  for (int64_t e = 0; e < out * in; ++e) body::denseBackwardDw(x, dy, dw, n, in, out, e);
  for (int64_t o = 0; o < out; ++o) body::denseBackwardDb(dy, db, n, out, o);
}

void convForward(const float* x, const float* w, const float* b, float* y, const ConvShape& s) {
  const body::ConvDims d = dims(s);
  for (int64_t e = 0; e < s.n * s.o * s.oh * s.ow; ++e) body::convForward(x, w, b, y, d, e);
}

void convBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                  const ConvShape& s) {
  const body::ConvDims d = dims(s);
  if (dx)
    for (int64_t e = 0; e < s.n * s.c * s.h * s.w; ++e) body::convBackwardDx(w, dy, dx, d, e);
  for (int64_t e = 0; e < s.o * s.c * s.k * s.k; ++e) body::convBackwardDw(x, dy, dw, d, e);
  for (int64_t o = 0; o < s.o; ++o) body::convBackwardDb(dy, db, d, o);
}

void maxPoolForward(const float* x, float* y, int32_t* argmax, int64_t nc, int64_t h, int64_t w, int64_t k) {
  for (int64_t e = 0; e < nc * (h / k) * (w / k); ++e) body::maxPoolForward(x, y, argmax, h, w, k, e);
}

void maxPoolBackward(const float* dy, const int32_t* argmax, float* dx, int64_t nc, int64_t h, int64_t w, int64_t k) {
  for (int64_t i = 0; i < nc * h * w; ++i) body::maxPoolBackward(dy, argmax, dx, h, w, k, i);
}

void reluForward(const float* x, float* y, int64_t len) {
  for (int64_t i = 0; i < len; ++i) body::reluForward(x, y, i);
}

void reluBackward(const float* x, const float* dy, float* dx, int64_t len) {
  for (int64_t i = 0; i < len; ++i) body::reluBackward(x, dy, dx, i);
}

void dropout(const float* x, const uint8_t* mask, double scale, float* y, int64_t len) {
  for (int64_t i = 0; i < len; ++i) body::dropout(x, mask, scale, y, i);
}

double softmaxCrossEntropy(const float* logits, const int32_t* labels, const float* classWeights, float* probs,
                           float* dlogits, int64_t n, int64_t k) {
  double totalWeight = 0;
  for (int64_t r = 0; r < n; ++r) totalWeight += classWeights ? static_cast<double>(classWeights[labels[r]]) : 1.0;
  if (!(totalWeight > 0)) totalWeight = 1;
  std::vector<double> rowLoss(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) body::softmaxRow(logits, labels, classWeights, probs, dlogits, rowLoss.data(), k, totalWeight, r);
  double loss = 0;
  for (int64_t r = 0; r < n; ++r) loss += rowLoss[r];
  return loss / totalWeight;
}

void sgdStep(float* p, const float* g, float* v, int64_t len, double lr, double momentum, double weightDecay) {
  for (int64_t i = 0; i < len; ++i) body::sgdStep(p, g, v, lr, momentum, weightDecay, i);
}

void adamStep(float* p, const float* g, float* m, float* v, int64_t len, double lr, double beta1, double beta2,
              double eps, double weightDecay, double bc1, double bc2) {
  for (int64_t i = 0; i < len; ++i) body::adamStep(p, g, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2, i);
}

}  // namespace emulated
}  // namespace train
}  // namespace sightline
