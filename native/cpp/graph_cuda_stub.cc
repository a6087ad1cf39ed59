// Linked instead of ../cuda/graph_kernels.cu when the addon is built without nvcc (or nvcc failed).
#include <stdexcept>

#include "graph_plan.h"

namespace sightline {
namespace graph {

std::unique_ptr<Executor> createCudaExecutor(PlanDesc) {
  throw std::runtime_error(
      "this build of @sightline/native has no CUDA graph executor (nvcc was not found or failed at build time); "
      "install the CUDA toolkit and run `npm rebuild @sightline/native`");
}

}  // namespace graph
}  // namespace sightline
