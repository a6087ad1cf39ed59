// Entry points of the kernels. CPU versions live in *.cc; CUDA versions in ../cuda/kernels.cu,
// or in cuda_stub.cc when the addon is built without nvcc. All throw std::exception on failure.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common.h"

namespace sightline {

void frameToTensorCpu(const FrameParams& p);
void roiAlignCpu(const RoiParams& p);
std::vector<int32_t> nmsCpu(const NmsParams& p);

// Candidates above the score threshold, sorted by score (descending, ties by index).
std::vector<int32_t> nmsCandidates(const NmsParams& p);

bool cudaCompiled();
int cudaDeviceCount();
std::string cudaDescribe();
void frameToTensorCuda(const FrameParams& p);
void roiAlignCuda(const RoiParams& p);
std::vector<int32_t> nmsCuda(const NmsParams& p);

// The CUDA kernel bodies run on the CPU (cuda_emulation.cc), for tests on machines without a GPU.
void frameToTensorCudaEmulated(const FrameParams& p);
void roiAlignCudaEmulated(const RoiParams& p);
std::vector<int32_t> nmsCudaEmulated(const NmsParams& p);

}  // namespace sightline
