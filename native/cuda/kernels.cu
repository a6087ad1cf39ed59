// CUDA versions of the kernels. Compiled only when nvcc is found, with -fmad=false so the
// shared double-precision arithmetic in ../cpp/common.h gives the same bits as the CPU path.
// Every CUDA call is checked; failures become std::runtime_error, which the bindings turn
// into JS exceptions (sync) or rejected promises (async).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "../cpp/kernels.h"
#include "kernel_bodies.h"

namespace sightline {
namespace {

constexpr int kThreads = 256;
// Above this many candidates the IoU bitmask (m * m / 8 bytes) gets too big; use the CPU loop.
constexpr int64_t kMaxMaskBoxes = 32768;

void check(cudaError_t err, const char* expr, int line) {
  if (err == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so later calls start clean
  throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) +
                           ") in `" + expr + "` at kernels.cu:" + std::to_string(line));
}
#define SL_CUDA(expr) check((expr), #expr, __LINE__)

void requireDevice() {
  if (cudaDeviceCount() == 0) {
    throw std::runtime_error("no CUDA device is available (cudaDeviceCount() is 0); use the cpp backend");
  }
}

class Stream {
 public:
  Stream() { SL_CUDA(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  // Waits for queued work first, so no copy can touch caller memory after an exception unwinds.
  ~Stream() {
    cudaStreamSynchronize(s_);
    cudaStreamDestroy(s_);
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return s_; }
  void sync() const { SL_CUDA(cudaStreamSynchronize(s_)); }

 private:
  cudaStream_t s_ = nullptr;
};

// Stream-ordered allocation from the runtime's memory pool: cheap to repeat per call.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer(size_t count, const Stream& stream) : stream_(stream.get()) {
    SL_CUDA(cudaMallocAsync(reinterpret_cast<void**>(&ptr_), std::max<size_t>(count, 1) * sizeof(T), stream_));
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFreeAsync(ptr_, stream_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  void upload(const T* host, size_t count) {
    if (count) SL_CUDA(cudaMemcpyAsync(ptr_, host, count * sizeof(T), cudaMemcpyHostToDevice, stream_));
  }
  void download(T* host, size_t count) const {
    if (count) SL_CUDA(cudaMemcpyAsync(host, ptr_, count * sizeof(T), cudaMemcpyDeviceToHost, stream_));
  }

 private:
  T* ptr_ = nullptr;
  cudaStream_t stream_;
};

unsigned blocksFor(int64_t n) {
  int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::min<int64_t>(std::max<int64_t>(blocks, 1), 65535));
}

void checkLaunch() { SL_CUDA(cudaGetLastError()); }

__global__ void frameKernel(FrameParams p, double ratioX, double ratioY) {
  const int64_t total = p.outW * p.outH;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
    frameElement(p, ratioX, ratioY, i);
  }
}

__global__ void roiKernel(RoiParams p) {
  const int64_t total = p.k * p.c * p.outH * p.outW;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
    roiElement(p, i);
  }
}

// Block (colBlock, rowBlock) fills mask[row * colBlocks + colBlock] for its 64 rows: bit j says
// whether box colBlock*64+j (lower-ranked) is suppressed by box `row`. Same layout as torchvision.
__global__ void nmsMaskKernel(const float* boxes, const int32_t* classes, int64_t m, double threshold,
                              int64_t colBlocks, unsigned long long* mask) {
  const int64_t rowBlock = blockIdx.y, colBlock = blockIdx.x;
  if (rowBlock > colBlock) return;  // only boxes ranked below the row are ever read
  const int64_t rowLeft = m - rowBlock * 64, colLeft = m - colBlock * 64;
  const int64_t rowSize = rowLeft < 64 ? rowLeft : 64, colSize = colLeft < 64 ? colLeft : 64;
  __shared__ float colBoxes[64 * 4];
  __shared__ int32_t colClasses[64];
  if (threadIdx.x < colSize) {
    const int64_t j = colBlock * 64 + threadIdx.x;
    for (int d = 0; d < 4; ++d) colBoxes[threadIdx.x * 4 + d] = boxes[j * 4 + d];
    colClasses[threadIdx.x] = classes[j];
  }
  __syncthreads();
  if (threadIdx.x >= rowSize) return;
  const int64_t i = rowBlock * 64 + threadIdx.x;
  const int64_t first = rowBlock == colBlock ? threadIdx.x + 1 : 0;
  mask[i * colBlocks + colBlock] = nmsMaskBits(boxes + i * 4, classes[i], colBoxes, colClasses, first, colSize, threshold);
}

}  // namespace

bool cudaCompiled() { return true; }

int cudaDeviceCount() {
  int n = 0;
  // Without a driver or a device this reports an error: that simply means no GPU here.
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

std::string cudaDescribe() {
  int runtime = 0, driver = 0, n = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  std::string s = "CUDA runtime " + std::to_string(runtime) + " (static), driver " + std::to_string(driver);
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    cudaGetLastError();
    return s + ", no device: " + cudaGetErrorString(err);
  }
  for (int d = 0; d < n; ++d) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, d) == cudaSuccess) {
      s += ", device " + std::to_string(d) + ": " + prop.name + " (sm_" + std::to_string(prop.major) +
           std::to_string(prop.minor) + ")";
    }
  }
  return s;
}

void frameToTensorCuda(const FrameParams& p) {
  requireDevice();
  Stream stream;
  const size_t srcLen = static_cast<size_t>(p.srcW * p.srcH * p.channels);
  const size_t outLen = static_cast<size_t>(p.outW * p.outH * 3);
  DeviceBuffer<uint8_t> src(srcLen, stream);
  DeviceBuffer<float> out(outLen, stream);
  src.upload(p.src, srcLen);
  FrameParams d = p;
  d.src = src.get();
  d.out = out.get();
  const double ratioX = (double)p.srcW / (double)p.contentW;
  const double ratioY = (double)p.srcH / (double)p.contentH;
  frameKernel<<<blocksFor(p.outW * p.outH), kThreads, 0, stream.get()>>>(d, ratioX, ratioY);
  checkLaunch();
  out.download(p.out, outLen);
  stream.sync();
}

void roiAlignCuda(const RoiParams& p) {
  requireDevice();
  const int64_t total = p.k * p.c * p.outH * p.outW;
  if (total == 0) return;
  Stream stream;
  const size_t inLen = static_cast<size_t>(p.n * p.c * p.h * p.w);
  DeviceBuffer<float> input(inLen, stream), boxes(static_cast<size_t>(p.k * 4), stream),
      out(static_cast<size_t>(total), stream);
  DeviceBuffer<int32_t> batch(p.batch ? static_cast<size_t>(p.k) : 0, stream);
  input.upload(p.input, inLen);
  boxes.upload(p.boxes, static_cast<size_t>(p.k * 4));
  if (p.batch) batch.upload(p.batch, static_cast<size_t>(p.k));
  RoiParams d = p;
  d.input = input.get();
  d.boxes = boxes.get();
  d.batch = p.batch ? batch.get() : nullptr;
  d.out = out.get();
  roiKernel<<<blocksFor(total), kThreads, 0, stream.get()>>>(d);
  checkLaunch();
  out.download(p.out, static_cast<size_t>(total));
  stream.sync();
}

std::vector<int32_t> nmsCuda(const NmsParams& p) {
  requireDevice();
  if (p.maxDetections <= 0) return {};
  const std::vector<int32_t> order = nmsCandidates(p);
  const int64_t m = static_cast<int64_t>(order.size());
  if (m == 0) return {};
  if (m > kMaxMaskBoxes) return nmsCpu(p);
  std::vector<float> sorted;
  std::vector<int32_t> classes;
  nmsGatherSorted(p, order, sorted, classes);
  const int64_t colBlocks = (m + 63) / 64;
  const size_t maskLen = static_cast<size_t>(m * colBlocks);
  Stream stream;
  DeviceBuffer<float> boxes(sorted.size(), stream);
  DeviceBuffer<int32_t> cls(classes.size(), stream);
  DeviceBuffer<unsigned long long> mask(maskLen, stream);
  boxes.upload(sorted.data(), sorted.size());
  cls.upload(classes.data(), classes.size());
  SL_CUDA(cudaMemsetAsync(mask.get(), 0, maskLen * sizeof(unsigned long long), stream.get()));
  const dim3 grid(static_cast<unsigned>(colBlocks), static_cast<unsigned>(colBlocks));
  nmsMaskKernel<<<grid, 64, 0, stream.get()>>>(boxes.get(), cls.get(), m, p.iouThreshold, colBlocks, mask.get());
  checkLaunch();
  std::vector<unsigned long long> hostMask(maskLen);
  mask.download(hostMask.data(), maskLen);
  stream.sync();
  return nmsReduceMask(order, hostMask.data(), colBlocks, p.maxDetections);
}

}  // namespace sightline
