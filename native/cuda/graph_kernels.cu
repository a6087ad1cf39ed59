// CUDA graph executor: one cudaMalloc arena laid out by the planner, constants uploaded once
// (converted to FP16 for the FP16 plan), pinned host staging buffers, one stream per executor,
// and every op of the plan launched in order as a grid-stride loop over graph_bodies.h.
// Compiled with -fmad=false so products and sums round like the CPU emulation (transcendentals
// such as expf may differ by an ulp from the host's).
#include <cuda_runtime.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

#include "../cpp/graph_common.h"
#include "../cpp/graph_conv_tiled.h"
#include "conv_tile_bodies.h"
#include "graph_bodies.h"

namespace sightline {
namespace graph {
namespace {

constexpr int kThreads = 256;

void check(cudaError_t err, const char* expr, int line) {
  if (err == cudaSuccess) return;
  cudaGetLastError();
  throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ") in `" + expr +
                           "` at graph_kernels.cu:" + std::to_string(line));
}
#define SL_CUDA(expr) check((expr), #expr, __LINE__)

unsigned blocksFor(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  if (b < 1) b = 1;
  return static_cast<unsigned>(b < 65535 * 8 ? b : 65535 * 8);
}

#define SL_GRID_LOOP(total) for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (total); i += (int64_t)blockDim.x * gridDim.x)

template <typename S> __global__ void convKernel(KernelArgs a, int64_t total, int64_t per) { SL_GRID_LOOP(total) convItem<S>(a, i, per); }
template <typename S> __global__ void binaryKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) binaryElement<S>(a, i); }
template <typename S> __global__ void unaryKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) unaryElement<S>(a, i); }
template <typename S> __global__ void whereKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) whereElement<S>(a, i); }
template <typename S> __global__ void stridedKernel(KernelArgs a, int64_t total, int64_t base, int dimsAt) { SL_GRID_LOOP(total) gatherStrided<S>(a, i, base, a.i + dimsAt); }
template <typename S> __global__ void concatKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) concatElement<S>(a, i); }
template <typename S> __global__ void gatherKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) gatherElement<S>(a, i); }
template <typename S> __global__ void reduceMeanKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) reduceMeanElement<S>(a, i); }
template <typename S> __global__ void resizeKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) resizeElement<S>(a, i); }
template <typename S> __global__ void maxPoolKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) maxPoolElement<S>(a, i); }
template <typename S> __global__ void softmaxKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) softmaxRow<S>(a, i); }
template <typename S> __global__ void matMulKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) matMulElement<S>(a, i); }
template <typename S> __global__ void avgPoolKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) avgPoolElement<S>(a, i); }
template <typename S> __global__ void topkLoadKernel(KernelArgs a, int64_t total) { SL_GRID_LOOP(total) topkLoadItem<S>(a, i); }
__global__ void topkStageKernel(const float* sv, const int32_t* si, int64_t len, int64_t chunks, int64_t chunkLen, int64_t k, float* dv, int32_t* di, int64_t total) {
  SL_GRID_LOOP(total) topkStageItem(sv, si, len, chunks, chunkLen, k, dv, di, i);
}
template <typename S> __global__ void topkStoreKernel(KernelArgs a, const float* v, const int32_t* idx, int64_t total) { SL_GRID_LOOP(total) topkStoreItem<S>(a, v, idx, i); }
template <typename S> __global__ void toStorageKernel(const float* src, void* dst, int kind, int64_t total) {
  SL_GRID_LOOP(total) {
    if (kind == kKindFloat) st(static_cast<S*>(dst), i, src[i]);
    else static_cast<int32_t*>(dst)[i] = (int32_t)src[i];
  }
}
template <typename S> __global__ void fromStorageKernel(const void* src, float* dst, int64_t total) { SL_GRID_LOOP(total) dst[i] = ld(static_cast<const S*>(src), i); }

template <typename S>
class CudaExecutor : public Executor {
 public:
  explicit CudaExecutor(PlanDesc plan) : p_(std::move(plan)) {
    validatePlan(p_);
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
      cudaGetLastError();
      throw std::runtime_error("no CUDA device is available (cudaGetDeviceCount() is 0); use the emulated or onnxruntime backend");
    }
    SL_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    SL_CUDA(cudaMalloc(&arena_, static_cast<size_t>(p_.arenaBytes > 0 ? p_.arenaBytes : 1)));
    // Constants: float32 uploaded through a scratch buffer and converted on the device.
    for (size_t c = 0; c < p_.consts.size(); ++c) constPtr_.push_back(nullptr);
    for (const TensorDesc& t : p_.tensors) {
      if (t.region != 1 || constPtr_[t.offset]) continue;
      void* dst = nullptr;
      SL_CUDA(cudaMalloc(&dst, static_cast<size_t>(storageBytes(p_, t) > 0 ? storageBytes(p_, t) : 4)));
      constPtr_[t.offset] = dst;
      if (t.kind == kKindFloat && sizeof(S) == 2) {
        float* tmp = nullptr;
        SL_CUDA(cudaMalloc(&tmp, p_.consts[t.offset].size()));
        SL_CUDA(cudaMemcpy(tmp, p_.consts[t.offset].data(), p_.consts[t.offset].size(), cudaMemcpyHostToDevice));
        toStorageKernel<S><<<blocksFor(t.count), kThreads, 0, stream_>>>(tmp, dst, kKindFloat, t.count);
        SL_CUDA(cudaGetLastError());
        SL_CUDA(cudaStreamSynchronize(stream_));
        cudaFree(tmp);
      } else {
        SL_CUDA(cudaMemcpy(dst, p_.consts[t.offset].data(), p_.consts[t.offset].size(), cudaMemcpyHostToDevice));
      }
    }
    for (const OpDesc& op : p_.ops) {
      if (op.code != kOpTopK) continue;
      const TopkShape s = topkShape(op);
      void *v = nullptr, *idx = nullptr;
      SL_CUDA(cudaMalloc(&v, static_cast<size_t>(s.rows * s.cols + 2 * topkCandidates(s)) * 4));
      SL_CUDA(cudaMalloc(&idx, static_cast<size_t>(2 * topkCandidates(s)) * 4));
      topkWs_.push_back({v, idx});
    }
    // Pinned staging: inputs as float32 and outputs as float32/int32, so copies run async.
    for (int id : p_.inputs) stage(hostIn_, devIn_, p_.tensors[id].count);
    for (int id : p_.outputs) stage(hostOut_, devOut_, p_.tensors[id].count);
  }

  ~CudaExecutor() override {
    if (stream_) cudaStreamSynchronize(stream_);
    for (void* p : constPtr_) cudaFree(p);
    for (auto& w : topkWs_) {
      cudaFree(w.first);
      cudaFree(w.second);
    }
    for (void* p : hostIn_) cudaFreeHost(p);
    for (void* p : hostOut_) cudaFreeHost(p);
    for (void* p : devIn_) cudaFree(p);
    for (void* p : devOut_) cudaFree(p);
    cudaFree(arena_);
    if (stream_) cudaStreamDestroy(stream_);
  }

  const PlanDesc& plan() const override { return p_; }

  std::string describe() const override {
    cudaDeviceProp prop{};
    int dev = 0;
    cudaGetDevice(&dev);
    cudaGetDeviceProperties(&prop, dev);
    return std::string("CUDA ") + prop.name + ", " + (p_.fp16 ? "FP16 storage / FP32 accumulation" : "FP32");
  }

  void run(const std::vector<const float*>& inputs, const std::vector<void*>& outputs) override {
    std::lock_guard<std::mutex> lock(mutex_);  // one arena: runs of one executor are serialised
    for (size_t j = 0; j < inputs.size(); ++j) {
      const TensorDesc& t = p_.tensors[p_.inputs[j]];
      std::memcpy(hostIn_[j], inputs[j], static_cast<size_t>(t.count) * 4);
      SL_CUDA(cudaMemcpyAsync(devIn_[j], hostIn_[j], static_cast<size_t>(t.count) * 4, cudaMemcpyHostToDevice, stream_));
      toStorageKernel<S><<<blocksFor(t.count), kThreads, 0, stream_>>>(static_cast<const float*>(devIn_[j]), ptr(p_.inputs[j]), t.kind, t.count);
      SL_CUDA(cudaGetLastError());
    }
    size_t topk = 0;
    for (const OpDesc& op : p_.ops) launch(op, op.variant, topk);
    for (size_t j = 0; j < outputs.size(); ++j) {
      const TensorDesc& t = p_.tensors[p_.outputs[j]];
      if (t.kind == kKindFloat) {
        fromStorageKernel<S><<<blocksFor(t.count), kThreads, 0, stream_>>>(ptr(p_.outputs[j]), static_cast<float*>(devOut_[j]), t.count);
        SL_CUDA(cudaGetLastError());
        SL_CUDA(cudaMemcpyAsync(hostOut_[j], devOut_[j], static_cast<size_t>(t.count) * 4, cudaMemcpyDeviceToHost, stream_));
      } else {
        SL_CUDA(cudaMemcpyAsync(hostOut_[j], ptr(p_.outputs[j]), static_cast<size_t>(t.count) * 4, cudaMemcpyDeviceToHost, stream_));
      }
    }
    SL_CUDA(cudaStreamSynchronize(stream_));
    for (size_t j = 0; j < outputs.size(); ++j) std::memcpy(outputs[j], hostOut_[j], static_cast<size_t>(p_.tensors[p_.outputs[j]].count) * 4);
  }

  std::vector<double> tune(int repeats) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<double> ms(p_.ops.size() * kConvVariantCount, -1.0);
    cudaEvent_t a, b;
    SL_CUDA(cudaEventCreate(&a));
    SL_CUDA(cudaEventCreate(&b));
    size_t topk = 0;
    for (size_t o = 0; o < p_.ops.size(); ++o) {
      if (p_.ops[o].code != kOpConv) continue;
      const KernelArgs args = makeArgs(p_.ops[o], [this](int id) { return ptr(id); });
      for (int v = 0; v < kConvVariantCount; ++v) {
        if (!convVariantApplies(args, v, p_.fp16)) continue;
        launch(p_.ops[o], v, topk);  // warm-up
        SL_CUDA(cudaEventRecord(a, stream_));
        for (int r = 0; r < repeats; ++r) launch(p_.ops[o], v, topk);
        SL_CUDA(cudaEventRecord(b, stream_));
        SL_CUDA(cudaEventSynchronize(b));
        float t = 0;
        SL_CUDA(cudaEventElapsedTime(&t, a, b));
        ms[o * kConvVariantCount + v] = t / repeats;
      }
    }
    cudaEventDestroy(a);
    cudaEventDestroy(b);
    return ms;
  }

 private:
  void stage(std::vector<void*>& host, std::vector<void*>& dev, int64_t count) {
    void *h = nullptr, *d = nullptr;
    SL_CUDA(cudaHostAlloc(&h, static_cast<size_t>(count > 0 ? count : 1) * 4, cudaHostAllocDefault));
    SL_CUDA(cudaMalloc(&d, static_cast<size_t>(count > 0 ? count : 1) * 4));
    host.push_back(h);
    dev.push_back(d);
  }

  void* ptr(int id) {
    const TensorDesc& t = p_.tensors[id];
    return t.region == 0 ? static_cast<void*>(static_cast<uint8_t*>(arena_) + t.offset) : constPtr_[t.offset];
  }

  void launch(const OpDesc& op, int variant, size_t& topk) {
    KernelArgs a = makeArgs(op, [this](int id) { return ptr(id); });
    const int64_t n = p_.tensors[op.out[0]].count;
    const unsigned g = blocksFor(n);
    switch (op.code) {
      case kOpConv: {
        if (!convVariantApplies(a, variant, p_.fp16)) variant = 0;
        // Tiled variants; when their unit was not compiled (stub), the simple kernel runs.
        if (variant >= kConvTiled && launchConvTiled(a, variant == kConvMma, p_.fp16, stream_)) break;
        if (variant >= kConvTiled) variant = 0;
        const int64_t per = kConvVariants[variant];
        const int64_t items = convItems(a, per);
        convKernel<S><<<blocksFor(items), kThreads, 0, stream_>>>(a, items, per);
        break;
      }
      case kOpBinary: binaryKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpUnary: unaryKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpWhere: whereKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpTranspose: stridedKernel<S><<<g, kThreads, 0, stream_>>>(a, n, 0, 1); break;
      case kOpSlice: stridedKernel<S><<<g, kThreads, 0, stream_>>>(a, n, a.i[1], 2); break;
      case kOpConcat: concatKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpGather: gatherKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpReduceMean: reduceMeanKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpResize: resizeKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpMaxPool: maxPoolKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpTopK: launchTopk(op, a, topk++); break;
      case kOpSoftmax: softmaxKernel<S><<<blocksFor(a.i[0] * a.i[2]), kThreads, 0, stream_>>>(a, a.i[0] * a.i[2]); break;
      case kOpMatMul: matMulKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      case kOpAvgPool: avgPoolKernel<S><<<g, kThreads, 0, stream_>>>(a, n); break;
      default: throw std::runtime_error("graph: unknown op code");
    }
    SL_CUDA(cudaGetLastError());
  }

  // The same stages as the emulation (graph_emulation.cc), one thread per chunk.
  void launchTopk(const OpDesc& op, KernelArgs& a, size_t which) {
    const TopkShape s = topkShape(op);
    float* vals = static_cast<float*>(topkWs_[which].first);
    int32_t* idx = static_cast<int32_t*>(topkWs_[which].second);
    const int64_t cand = topkCandidates(s);
    float* bufV[2] = {vals + s.rows * s.cols, vals + s.rows * s.cols + cand};
    int32_t* bufI[2] = {idx, idx + cand};
    a.ws[0] = vals;
    topkLoadKernel<S><<<blocksFor(s.rows * s.cols), kThreads, 0, stream_>>>(a, s.rows * s.cols);
    const float* sv = vals;
    const int32_t* si = nullptr;
    int64_t len = s.cols;
    int side = 0;
    for (;;) {
      const int64_t chunks = chunksOf(len, s.chunkLen);
      const int64_t items = s.rows * chunks;
      topkStageKernel<<<blocksFor(items), 64, 0, stream_>>>(sv, si, len, chunks, s.chunkLen, s.k, bufV[side], bufI[side], items);
      sv = bufV[side];
      si = bufI[side];
      len = chunks * s.k;
      side ^= 1;
      if (chunks == 1) break;
    }
    topkStoreKernel<S><<<blocksFor(s.rows * s.k), kThreads, 0, stream_>>>(a, sv, si, s.rows * s.k);
  }

  PlanDesc p_;
  cudaStream_t stream_ = nullptr;
  void* arena_ = nullptr;
  std::vector<void*> constPtr_;
  std::vector<std::pair<void*, void*>> topkWs_;
  std::vector<void*> hostIn_, hostOut_, devIn_, devOut_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Executor> createCudaExecutor(PlanDesc plan) {
  if (plan.fp16) return std::make_unique<CudaExecutor<Half>>(std::move(plan));
  return std::make_unique<CudaExecutor<float>>(std::move(plan));
}

}  // namespace graph
}  // namespace sightline
