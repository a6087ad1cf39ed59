// Linked instead of ../cuda/graph_conv_tiled.cu when nvcc is missing or failed on it: the CUDA
// executor then runs the simple conv kernels for the tiled variants.
#include "graph_conv_tiled.h"

namespace sightline {
namespace graph {

bool launchConvTiled(const KernelArgs&, bool, bool, void*) { return false; }

}  // namespace graph
}  // namespace sightline
