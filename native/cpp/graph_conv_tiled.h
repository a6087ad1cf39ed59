// Launcher of the tiled implicit-GEMM convolution kernels (cuda/graph_conv_tiled.cu). Its own
// compilation unit, so a failed nvcc compile of the tiles leaves the simple conv kernels: the
// stub (graph_conv_tiled_stub.cc) returns false and the executor falls back to them.
#pragma once

#include "graph_plan.h"

namespace sightline {
namespace graph {

// Enqueues the tiled conv of `a` on `stream` (a cudaStream_t): the scalar tile (mma false) or
// the FP16 WMMA tile (mma true, FP16 storage only). False when the tiles were not compiled.
bool launchConvTiled(const KernelArgs& a, bool mma, bool fp16, void* stream);

}  // namespace graph
}  // namespace sightline
