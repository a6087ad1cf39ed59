// Linked instead of ../cuda/train_kernels.cu when the addon is built without nvcc.
#include <stdexcept>

#include "train_ops.h"

namespace sightline {
namespace train {
namespace cuda {

namespace {
[[noreturn]] void unavailable() {
  throw std::runtime_error(
      "this build of @sightline/native has no CUDA training kernels (nvcc was not found at build time); "
      "install the CUDA toolkit and run `npm rebuild @sightline/native`");
}
}  // namespace

void denseForward(const float*, const float*, const float*, float*, int64_t, int64_t, int64_t) { unavailable(); }
void denseBackward(const float*, const float*, const float*, float*, float*, float*, int64_t, int64_t, int64_t) { unavailable(); }
void convForward(const float*, const float*, const float*, float*, const ConvShape&) { unavailable(); }
void convBackward(const float*, const float*, const float*, float*, float*, float*, const ConvShape&) { unavailable(); }
void maxPoolForward(const float*, float*, int32_t*, int64_t, int64_t, int64_t, int64_t) { unavailable(); }
void maxPoolBackward(const float*, const int32_t*, float*, int64_t, int64_t, int64_t, int64_t) { unavailable(); }
void reluForward(const float*, float*, int64_t) { unavailable(); }
void reluBackward(const float*, const float*, float*, int64_t) { unavailable(); }
void dropout(const float*, const uint8_t*, double, float*, int64_t) { unavailable(); }
double softmaxCrossEntropy(const float*, const int32_t*, const float*, float*, float*, int64_t, int64_t) { unavailable(); }
void sgdStep(float*, const float*, float*, int64_t, double, double, double) { unavailable(); }
void adamStep(float*, const float*, float*, float*, int64_t, double, double, double, double, double, double, double) { unavailable(); }

}  // namespace cuda
}  // namespace train
}  // namespace sightline
