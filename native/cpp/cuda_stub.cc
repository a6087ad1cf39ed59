// Linked instead of ../cuda/kernels.cu when the addon is built without nvcc.
#include <stdexcept>

#include "kernels.h"

namespace sightline {

namespace {
[[noreturn]] void unavailable() {
  throw std::runtime_error(
      "this build of @sightline/native has no CUDA kernels (nvcc was not found at build time); "
      "install the CUDA toolkit and run `npm rebuild @sightline/native`");
}
}  // namespace

bool cudaCompiled() { return false; }
int cudaDeviceCount() { return 0; }
std::string cudaDescribe() { return "built without CUDA"; }
void frameToTensorCuda(const FrameParams&) { unavailable(); }
void roiAlignCuda(const RoiParams&) { unavailable(); }
std::vector<int32_t> nmsCuda(const NmsParams&) { unavailable(); }

}  // namespace sightline
