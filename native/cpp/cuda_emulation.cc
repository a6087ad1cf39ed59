// The CUDA kernels' per-element bodies run in plain loops on the CPU. Not a backend: a test
// hook (device 2 in the bindings) so the CUDA indexing and NMS bitmask logic are checked
// against the reference on machines without a GPU. Single-threaded on purpose.
#include "../cuda/kernel_bodies.h"
#include "kernels.h"

namespace sightline {

void frameToTensorCudaEmulated(const FrameParams& p) {
  const double ratioX = (double)p.srcW / (double)p.contentW;
  const double ratioY = (double)p.srcH / (double)p.contentH;
  for (int64_t i = 0; i < p.outW * p.outH; ++i) frameElement(p, ratioX, ratioY, i);
}

void roiAlignCudaEmulated(const RoiParams& p) {
  for (int64_t i = 0; i < p.k * p.c * p.outH * p.outW; ++i) roiElement(p, i);
}

std::vector<int32_t> nmsCudaEmulated(const NmsParams& p) {
  if (p.maxDetections <= 0) return {};
  const std::vector<int32_t> order = nmsCandidates(p);
  const int64_t m = static_cast<int64_t>(order.size());
  if (m == 0) return {};
  std::vector<float> boxes;
  std::vector<int32_t> classes;
  nmsGatherSorted(p, order, boxes, classes);
  const int64_t colBlocks = (m + 63) / 64;
  std::vector<unsigned long long> mask(static_cast<size_t>(m * colBlocks), 0);
  // The same (rowBlock <= colBlock) blocks and 64 "threads" per block as nmsMaskKernel.
  for (int64_t rowBlock = 0; rowBlock < colBlocks; ++rowBlock) {
    for (int64_t colBlock = rowBlock; colBlock < colBlocks; ++colBlock) {
      const int64_t rowSize = std::min<int64_t>(m - rowBlock * 64, 64), colSize = std::min<int64_t>(m - colBlock * 64, 64);
      for (int64_t t = 0; t < rowSize; ++t) {
        const int64_t i = rowBlock * 64 + t;
        const int64_t first = rowBlock == colBlock ? t + 1 : 0;
        mask[i * colBlocks + colBlock] = nmsMaskBits(boxes.data() + i * 4, classes[i], boxes.data() + colBlock * 64 * 4,
                                                     classes.data() + colBlock * 64, first, colSize, p.iouThreshold);
      }
    }
  }
  return nmsReduceMask(order, mask.data(), colBlocks, p.maxDetections);
}

}  // namespace sightline
